// The pipeline's own cost per datagram, without the network: the echo config's plugins run in
// this process over a transport whose socket hands each reply back at once (its callback on the
// next tick, as node:dgram's does). Steadier than a socket benchmark on a shared machine, so use
// it to compare changes to the hot path; the socket benchmarks decide the targets.
//   JITI_INTEROP_DEFAULT=false npx jiti bench/hotpath.ts [--config FILE] [--count N] [--rounds R] [--text dots|lower|mixed]
// (the variable loads the modules as bin/chat.mjs does: without jiti's interop Proxy, whose trap
// would otherwise run on every call of an imported function and inflate every number here)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createChat, type Address } from '../core/index.ts'
import { loadConfig } from '../core/load.ts'
import { createTransport } from '../core/transport.ts'

if (process.env.JITI_INTEROP_DEFAULT !== 'false')
  console.warn('hotpath: run with JITI_INTEROP_DEFAULT=false to load the modules as `chat` does')
const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    count: { type: 'string' },
    rounds: { type: 'string' },
    text: { type: 'string' },
  },
})
const dir = mkdtempSync(join(tmpdir(), 'udpchat-hotpath-'))
process.env.BENCH_LOG = join(dir, 'transcript.jsonl')
const file = resolve(values.config ?? join(import.meta.dirname, 'configs/echo.config.ts'))
const count = Number(values.count ?? 200_000)
const rounds = Number(values.rounds ?? 5)

let replies = 0
let deliver: (data: Uint8Array, from: Address) => void = () => {}
const local: Address = { host: '127.0.0.1', port: 40_000, family: 'IPv4' }
const transport = createTransport('node', () => ({
  async bind(options) {
    deliver = options.onDatagram
    return {
      local,
      send(_data, _to, done) {
        replies++
        process.nextTick(done)
      },
      close: async () => {},
    }
  },
  lookup: async (host) => ({ host, family: 'IPv4' }),
  interfaces: () => ['127.0.0.1'],
  isIP: () => 4,
}))

const config = await loadConfig(file)
// As `chat serve` runs it: without --json or --verbose, no per-datagram event is heard.
const chat = await createChat({ config, transport, onEvent: () => {}, datagramEvents: [] })
// The text: `mixed` (mixed case, some non-ASCII, as the socket benchmark sends), `lower`, or
// `dots` (which uppercasing leaves as it is).
const TEXTS: Record<string, string> = {
  mixed: 'Hello wörld, ça va? Señor Éclair says hi; mixed',
  lower: 'hello world, this is lowercase text for the echo, ok',
  dots: '',
}
const payload = Buffer.alloc(64, '.')
payload.write('00000000000001')
payload.write(TEXTS[values.text ?? 'mixed'] ?? '', 14)
const from: Address = { host: '127.0.0.1', port: 50_000, family: 'IPv4' }
const turn = () => new Promise((resolve) => setImmediate(resolve))

/** Wall time and CPU time (all of the process's threads: GC, the file's writes) per datagram, in ns. */
async function round(n: number): Promise<[number, number]> {
  const began = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  for (let i = 0; i < n; i += 32) {
    // As from a socket: a fresh Buffer and address per datagram, 32 before the loop turns.
    for (let j = 0; j < 32; j++) deliver(Buffer.from(payload), { ...from })
    await turn()
  }
  const used = process.cpuUsage(cpu)
  return [Number(process.hrtime.bigint() - began) / n, ((used.user + used.system) * 1000) / n]
}

await round(count / 4) // warm-up
const wall: number[] = []
const cpu: number[] = []
for (let r = 0; r < rounds; r++) {
  const [w, c] = await round(count)
  wall.push(w)
  cpu.push(c)
}
await chat.close()
rmSync(dir, { recursive: true, force: true })
const fmt = (list: number[]) => {
  const sorted = list.sort((a, b) => a - b)
  return `${(sorted[0]! / 1000).toFixed(2)} µs min, ${(sorted[sorted.length >> 1]! / 1000).toFixed(2)} µs median`
}
// On a busy machine the CPU time is the steadier of the two: waiting for a core does not count.
console.log(
  `${file.replace(/.*\//, '')}: ${fmt(wall)} (CPU ${fmt(cpu)}) per datagram in and reply out (${replies} replies)`,
)
