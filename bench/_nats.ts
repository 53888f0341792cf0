// The room across relays: 1,000 members on 1 relay (no bridge), or spread over 2 or 3 relays
// bridged through one nats-server, all on this machine. A line is delivered when every member
// has it: the speaker's own copy comes last at its relay, and at each other relay a probe member
// that joined last gets it last.
import dgram from 'node:dgram'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { natsServerBin, NO_NATS_SERVER, startNatsServer, type NatsServer } from '../test/helpers/nats-server.ts'
import type { BenchOptions } from './_options.ts'
import { chat, cpuMs, havePython, LIFTED, NO_PYTHON, root, startServer, type Server } from './_proc.ts'
import { members } from './_relay.ts'
import { measured, skipped, type Row } from './_report.ts'
import { percentile } from './_stats.ts'

const MEMBERS = 1000
const FANOUT = `${MEMBERS.toLocaleString('en-US')} members`
const RATE = `room across relays, ${FANOUT}, 8 lines outstanding`
const CPU = `room across relays, ${FANOUT}: CPU of the relays and nats-server per line`
const LATENCY = `room across relays, ${FANOUT}: one line to the last member`
const HOP = 'room across relays, 2 members: one line to both (the hop alone)'
const LOST_MS = 1000

/** A room: `members` spread over `relays`; `watchers` sockets of ours per relay see each line. */
interface Shape {
  id: string
  relays: number
  members: number
  watchers: number
}

const ROOMS: Shape[] = [
  { id: '1', relays: 1, members: MEMBERS, watchers: 1 },
  { id: '2', relays: 2, members: MEMBERS, watchers: 1 },
  { id: '3', relays: 3, members: MEMBERS, watchers: 1 },
  { id: 'hop1', relays: 1, members: 2, watchers: 2 },
  { id: 'hop2', relays: 2, members: 2, watchers: 1 },
]

interface Setup extends Shape {
  nats: NatsServer
  servers: Server[]
  held: Array<ReturnType<typeof members>>
  /** The speaker (the first, at the first relay), then the other watchers: each gets each line last at its relay. */
  sockets: dgram.Socket[]
}

function config(dir: string, shape: Shape, index: number, nats: NatsServer): string {
  const file = join(dir, `nats-${shape.id}-${index}.config.ts`)
  const bridge =
    shape.relays === 1
      ? ''
      : `, natsBridge({ relay: room, servers: '${nats.url}', subject: 'bench.room.${shape.id}', name: 'r${index}' })`
  writeFileSync(
    file,
    `import { natsBridge, relay } from '${root}plugins/index.ts'
const room = relay({ maxMembers: 1_000_000, maxPerAddress: 1_000_000, timeout: 3600 })
export default { ${LIFTED} plugins: [room${bridge}] }
`,
  )
  return file
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function bridged(server: Server): Promise<void> {
  for (let waited = 0; !server.stderr().includes('bridged'); waited += 50) {
    if (waited > 20_000) throw new Error(`the bridge did not come up:\n${server.stderr()}`)
    await sleep(50)
  }
}

async function socketAt(port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve))
  return socket
}

async function open(dir: string, shape: Shape, nats: NatsServer): Promise<Setup> {
  const setup: Setup = { ...shape, nats, servers: [], held: [], sockets: [] }
  const { relays } = shape
  const starting = Array.from({ length: relays }, (_, i) =>
    startServer(
      chat('node', ['serve', '--config', config(dir, shape, i + 1, nats), '--port', '0', '--host', '127.0.0.1']),
      { timeoutMs: 60_000 },
    ),
  )
  const started = await Promise.allSettled(starting)
  for (const s of started) if (s.status === 'fulfilled') setup.servers.push(s.value)
  const failed = started.find((s) => s.status === 'rejected')
  if (failed) {
    await close(setup)
    throw failed.reason
  }
  if (relays > 1) await Promise.all(setup.servers.map(bridged))
  for (const [i, server] of setup.servers.entries()) {
    // This relay's share of the members: our watchers (joined last), the rest held by Python.
    const count = Math.floor(shape.members / relays) + (i < shape.members % relays ? 1 : 0) - shape.watchers
    const held = members('hold', server.port, count)
    setup.held.push(held)
    await held.ready
    for (let w = 0; w < shape.watchers; w++) {
      const socket = await socketAt(server.port)
      socket.send('^hb^')
      setup.sockets.push(socket)
    }
  }
  // One line, to check that it reaches every member.
  await run(setup, 1, 0, 0, true)
  for (const held of setup.held) await held.ask('count')
  const line = await run(setup, 1, 0, 0, true)
  let reached = line.count === 1 ? setup.sockets.length : 0
  for (const held of setup.held) reached += (await held.ask('count')).received!
  if (reached !== shape.members) throw new Error(`${shape.id}: one line reached ${reached} of ${shape.members} members`)
  return setup
}

/** Sends lines with `window` outstanding; each is done when the speaker and every probe have it. */
async function run(setup: Setup, window: number, warmupMs: number, durationMs: number, once = false) {
  const [speaker, ...probes] = setup.sockets
  const left = new Map<number, { at: number; copies: number }>()
  const latencies: number[] = []
  let seq = 0
  let count = 0
  let lost = 0
  let measuring = false
  let running = true
  let cpu = NaN
  const send = () => {
    const id = ++seq
    left.set(id, { at: performance.now(), copies: setup.sockets.length })
    speaker!.send(`L${id} ${'.'.repeat(48)}`)
  }
  const onMessage = (buf: Buffer) => {
    const text = buf.toString('latin1')
    const at = text.indexOf(': L')
    if (at < 0) return
    const id = Number(text.slice(at + 3, text.indexOf(' ', at + 3)))
    const line = left.get(id)
    if (!line || --line.copies > 0) return
    left.delete(id)
    if (measuring) {
      count++
      latencies.push((performance.now() - line.at) * 1000)
    }
    if (running) send()
  }
  for (const socket of setup.sockets) socket.on('message', onMessage)
  const watchdog = setInterval(() => {
    const now = performance.now()
    for (const [id, line] of left) {
      if (now - line.at < LOST_MS) continue
      left.delete(id)
      lost++
      if (running) send()
    }
  }, 50)
  if (once) measuring = true
  for (let i = 0; i < window; i++) send()
  if (once) {
    running = false
    const began = performance.now()
    while (left.size && performance.now() - began < LOST_MS * 5) await sleep(5)
  } else {
    await sleep(warmupMs)
    cpu = -serverCpu(setup)
    measuring = true
    await sleep(durationMs)
    measuring = false
    cpu += serverCpu(setup)
    running = false
  }
  const seconds = durationMs / 1000
  await sleep(50)
  clearInterval(watchdog)
  for (const socket of [speaker!, ...probes]) socket.off('message', onMessage)
  latencies.sort((a, b) => a - b)
  return {
    count,
    perSecond: count / seconds,
    cpuPerLine: count ? cpu / count : cpu,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    lost,
  }
}

/** CPU ms so far of the setup's relays, and of nats-server when they are bridged. */
function serverCpu(setup: Setup): number {
  const pids = setup.servers.map((s) => s.child.pid!)
  if (setup.relays > 1) pids.push(setup.nats.pid)
  return pids.reduce((sum, pid) => sum + cpuMs(pid), 0)
}

async function close(setup: Setup): Promise<void> {
  for (const held of setup.held) held.stop()
  for (const socket of setup.sockets) socket.close()
  await Promise.all(setup.servers.map((s) => s.stop()))
}

function label(shape: Shape): string {
  if (shape.relays === 1) return `1 relay holds all (no bridge)`
  return `${shape.relays} relays bridged through one nats-server`
}

/** Deliveries/s, CPU per line and time to the last member, 1 relay against 2 and 3 bridged; skipped without nats-server or python3. */
export async function natsCases(options: BenchOptions, tmp: string): Promise<Row[]> {
  const missing = !natsServerBin ? NO_NATS_SERVER : !havePython ? NO_PYTHON : undefined
  const big = ROOMS.filter((r) => !r.id.startsWith('hop'))
  const hops = ROOMS.filter((r) => r.id.startsWith('hop'))
  const row = (shape: Shape, kind: string, group: string, unit: string, base: string) => ({
    id: `nats.${shape.id}.${kind}`,
    group,
    label: label(shape),
    unit,
    baseline: shape.relays === 1 ? undefined : `nats.${base}.${kind}`,
  })
  const rowsOf = (shape: Shape) =>
    shape.id.startsWith('hop')
      ? { latency: row(shape, 'latency', HOP, 'µs', 'hop1') }
      : {
          rate: row(shape, 'rate', RATE, 'deliveries/s', '1'),
          cpu: row(shape, 'cpu', CPU, 'ms', '1'),
          latency: row(shape, 'latency', LATENCY, 'µs', '1'),
        }
  if (missing) return [...big, ...hops].flatMap((shape) => Object.values(rowsOf(shape)).map((r) => skipped(r, missing)))
  const nats = await startNatsServer()
  const setups: Setup[] = []
  try {
    // One room at a time: eight relays starting at once on a busy machine take too long.
    for (const shape of ROOMS) setups.push(await open(tmp, shape, nats))
    const rates = new Map<string, number[]>()
    const cpu = new Map<string, number[]>()
    const latencies = new Map<string, Array<{ p50: number; p99: number }>>()
    const add = <T>(map: Map<string, T[]>, id: string, value: T) => map.set(id, [...(map.get(id) ?? []), value])
    // Round the setups each repetition, so a slow minute hits each alike.
    for (let rep = 0; rep < options.reps; rep++) {
      for (const setup of setups) {
        if (!setup.id.startsWith('hop')) {
          const r = await run(setup, 8, options.warmupMs, options.durationMs)
          add(rates, setup.id, r.perSecond * setup.members)
          add(cpu, setup.id, r.cpuPerLine)
        }
        add(latencies, setup.id, await run(setup, 1, options.warmupMs, options.durationMs))
      }
    }
    return [...big, ...hops].flatMap((shape) => {
      const rows = rowsOf(shape)
      const l = latencies.get(shape.id)!
      const p99 = l.map((x) => x.p99).sort((a, b) => a - b)[l.length >> 1]!
      const latency = measured(
        { ...rows.latency, extra: { p99 }, note: `p50; median p99 ${Math.round(p99).toLocaleString('en-US')} µs` },
        l.map((x) => x.p50),
      )
      if (!('rate' in rows) || !rows.rate || !rows.cpu) return [latency]
      return [measured(rows.rate, rates.get(shape.id)!), measured(rows.cpu, cpu.get(shape.id)!), latency]
    })
  } finally {
    for (const setup of setups) await close(setup)
    await nats.stop()
  }
}
