// `npm run bench:profile`-style helper (run with jiti): the echo pipeline server under
// `node --cpu-prof`, driven by the load generator, then the profile's self time by function
// and by file. The .cpuprofile stays in the folder it names, for Chrome DevTools.
//   jiti bench/profile.ts [--config FILE | --raw] [--seconds S] [--window W] [--dir DIR]
// --raw profiles the raw node:dgram echo server instead, for comparison.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { bench, chat, root, script, startLoad, startServer } from './_proc.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

const { values } = parseArgs({ options: { config: { type: 'string' }, seconds: { type: 'string' }, window: { type: 'string' }, dir: { type: 'string' }, raw: { type: 'boolean' } } })
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'udpchat-profile-'))
mkdirSync(dir, { recursive: true })
const config = values.config ?? `${bench}configs/echo.config.ts`
const flags = ['--cpu-prof', '--cpu-prof-dir', dir]
const command = values.raw ? script('node', '_raw-echo.ts', [], flags) : chat('node', ['serve', '--config', config, '--port', '0', '--host', '127.0.0.1'], flags)
const server = await startServer(command, {
  env: { BENCH_LOG: join(dir, 'transcript.jsonl') },
})
const load = startLoad()
const result = await load.run({ port: server.port, host: '127.0.0.1', window: Number(values.window ?? 32), warmupMs: 500, durationMs: Number(values.seconds ?? 5) * 1000 })
await load.close()
await server.stop()
console.log(`load: ${Math.round(result.perSecond)} round trips/s, p50 ${Math.round(result.p50)} µs, p99 ${Math.round(result.p99)} µs`)

const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1)
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
  const group = where(node).replace(/^node_modules\/([^/]+)\/.*/, 'node_modules/$1').replace(/^node:internal\/.*/, 'node:internal')
  byFile.set(group, (byFile.get(group) ?? 0) + hits)
}
const top = (map: Map<string, number>, n: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`).join('\n')
console.log(`\nprofile: ${join(dir, file)} (${total} samples)\n\nself time by function:\n${top(byFunction, 30)}\n\nself time by file:\n${top(byFile, 15)}`)
