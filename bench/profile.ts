// `npm run bench:profile`-style helper (run with jiti): the echo pipeline server under
// `node --cpu-prof`, driven by the load generator, then the profile's self time by function
// and by file. The .cpuprofile stays in the folder it names, for Chrome DevTools.
//   jiti bench/profile.ts [--config FILE | --raw | --relay N] [--seconds S] [--window W] [--dir DIR]
//     [--client connected|sendto] [--text mixed|lower|dots]
// --raw profiles the raw node:dgram echo server instead, for comparison; --relay N the relay
// fanning out to N members (N - 1 held by bench/_members.py, the load generator speaks).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { bench, chat, root, script, startLoad, startServer } from './_proc.ts'
import { members, relayConfig } from './_relay.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
}

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    seconds: { type: 'string' },
    window: { type: 'string' },
    dir: { type: 'string' },
    raw: { type: 'boolean' },
    relay: { type: 'string' },
    interval: { type: 'string' },
    client: { type: 'string' },
    text: { type: 'string' },
  },
})
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'udpchat-profile-'))
mkdirSync(dir, { recursive: true })
const fanout = values.relay === undefined ? 0 : Number(values.relay)
const config = fanout ? relayConfig(dir) : (values.config ?? `${bench}configs/echo.config.ts`)
const flags = ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', values.interval ?? '200']
const command = values.raw
  ? script('node', '_raw-echo.ts', [], flags)
  : chat('node', ['serve', '--config', config, '--port', '0', '--host', '127.0.0.1'], flags)
const server = await startServer(command, {
  env: { BENCH_LOG: join(dir, 'transcript.jsonl') },
})
const held = fanout ? members('hold', server.port, fanout - 1) : undefined
await held?.ready
const load = startLoad()
const speaker = fanout ? ({ prefix: 'sender', hello: '^hb^', bye: 'quit', lostMs: 5000 } as const) : {}
const result = await load.run({
  ...speaker,
  port: server.port,
  host: '127.0.0.1',
  window: Number(values.window ?? (fanout ? 16 : 32)),
  warmupMs: 500,
  durationMs: Number(values.seconds ?? 5) * 1000,
  client: values.client === 'sendto' ? 'sendto' : 'connected',
  text: values.text === 'dots' ? 'dots' : values.text === 'lower' ? 'lower' : 'mixed',
})
await load.close()
held?.stop()
await server.stop()
const what = fanout
  ? `broadcasts/s to ${fanout} (${Math.round(result.perSecond * fanout)} deliveries/s)`
  : 'round trips/s'
console.log(
  `load: ${Math.round(result.perSecond)} ${what}, p50 ${Math.round(result.p50)} µs, p99 ${Math.round(result.p99)} µs`,
)

const file = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort()
  .at(-1)
if (!file) throw new Error(`no .cpuprofile in ${dir}`)
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[] }
const total = profile.samples.length
const where = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '')
  return url.startsWith(root) ? relative(root, url) : url || '(native)'
}
const byFunction = new Map<string, number>()
const byFile = new Map<string, number>()
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0
  if (!hits) continue
  const name = `${node.callFrame.functionName || '(anonymous)'} ${where(node)}:${node.callFrame.lineNumber + 1}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + hits)
  const group = where(node)
    .replace(/^node_modules\/([^/]+)\/.*/, 'node_modules/$1')
    .replace(/^node:internal\/.*/, 'node:internal')
  byFile.set(group, (byFile.get(group) ?? 0) + hits)
}
// Total (self + callees) time of the project's own functions: what each layer costs in all.
const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
const inclusive = new Map<number, number>()
const subtree = (id: number): number => {
  const node = nodes.get(id)!
  let hits = node.hitCount ?? 0
  for (const child of node.children ?? []) hits += subtree(child)
  inclusive.set(id, hits)
  return hits
}
subtree(profile.nodes[0]!.id)
const byTotal = new Map<string, number>()
for (const node of profile.nodes) {
  const file = where(node)
  if (!/^(core|plugins|cli)\//.test(file)) continue
  const name = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`
  // A function under itself (recursion) would count twice: keep its outermost frame only.
  byTotal.set(name, Math.max(byTotal.get(name) ?? 0, 0) + inclusive.get(node.id)!)
}
const top = (map: Map<string, number>, n: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n')
console.log(
  `\nprofile: ${join(dir, file)} (${total} samples)\n\nself time by function:\n${top(byFunction, 30)}\n\nself time by file:\n${top(byFile, 15)}\n\ntotal time of the project's functions (with callees):\n${top(byTotal, 25)}`,
)
