// `npm run fuzz [-- --count N --seed S --only echo,time]`: the long fuzz, 1,000,000 datagrams per
// server by default (the bounded one in `npm test` sends 20,000). Exits 1 if any server crashed,
// reported an error event, grew its memory by 200 MB or more, or did not answer afterwards.
import { parseArgs } from 'node:util'
import { fuzzServer, SERVERS } from './helpers/fuzz.ts'

const USAGE =
  'usage: npm run fuzz -- [--count N] [--seed S] [--only echo,time,bot,relay,listen]\n' +
  '  --count  datagrams per server (default 1,000,000)\n' +
  '  --seed   the random seed, to repeat a run (default: from the clock, printed)\n' +
  '  --only   the servers to fuzz, in turn (default: all)'

function usage(problem?: string): never {
  if (problem) console.error(`fuzz: ${problem}`)
  console.error(USAGE)
  process.exit(problem ? 2 : 0)
}

let parsed: ReturnType<typeof parse>
const parse = () =>
  parseArgs({
    options: {
      count: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean' },
    },
  })
try {
  parsed = parse()
} catch (error) {
  usage((error as Error).message.split('\n')[0])
}
const { values } = parsed
if (values.help) usage()
const count = Number(values.count ?? 1_000_000)
const seed = Number(values.seed ?? Date.now() % 100_000)
const servers = values.only ? values.only.split(',') : Object.keys(SERVERS)
if (!Number.isInteger(count) || count < 1) usage(`--count must be a whole number above 0, got \`${values.count}\``)
if (!Number.isInteger(seed)) usage(`--seed must be a whole number, got \`${values.seed}\``)
for (const server of servers) if (!(server in SERVERS)) usage(`no server \`${server}\` to fuzz`)
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
