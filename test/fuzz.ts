// `npm run fuzz [-- --count N --seed S --only echo,time]`: the long fuzz, 1,000,000 datagrams per
// server by default (the bounded one in `npm test` sends 20,000). Exits 1 if any server crashed,
// reported an error event, grew its memory by 200 MB or more, or did not answer afterwards.
import { parseArgs } from 'node:util'
import { fuzzServer, SERVERS } from './helpers/fuzz.ts'

const { values } = parseArgs({
  options: { count: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' } },
})
const count = Number(values.count ?? 1_000_000)
const seed = Number(values.seed ?? Date.now() % 100_000)
const servers = values.only ? values.only.split(',') : Object.keys(SERVERS)
let failed = false
console.log(`fuzz: ${count.toLocaleString('en')} datagrams per server, seed ${seed}`)
for (const server of servers) {
  const r = await fuzzServer(server, count, seed)
  const ok = r.errors.length === 0 && r.rssGrowthMB < 200 && r.answeredAfter
  failed ||= !ok
  const line =
    `${ok ? 'ok  ' : 'FAIL'} ${server.padEnd(6)} sent ${r.sent}, read ${r.handled}, errors ${r.errors.length}, ` +
    `rss +${r.rssGrowthMB.toFixed(1)} MB, answered afterwards: ${r.answeredAfter}, ${(r.ms / 1000).toFixed(1)} s`
  console.log(line)
  for (const error of r.errors.slice(0, 5)) console.log(`     ${error}`)
}
process.exit(failed ? 1 : 0)
