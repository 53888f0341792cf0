// The load generator, one long-lived Node process: it reads one JSON command per stdin line and
// answers one JSON result per stdout line, so it stays warm across repetitions and servers.
// Each of `window` slots keeps one datagram outstanding: a reply (or, for the relay, the
// speaker's own copy of a broadcast, which comes last) sends that slot's next datagram.
import dgram from 'node:dgram'
import { createInterface } from 'node:readline'
import { percentile } from './_stats.ts'

export interface LoadCommand {
  port: number
  host: string
  /** Datagrams outstanding at once. */
  window: number
  warmupMs: number
  durationMs: number
  /** Datagram size in bytes. @default 64 */
  size?: number
  /** Bytes before the payload in a reply (the relay puts `HOST:PORT: ` in front). @default 0 */
  prefix?: 'none' | 'sender'
  /** Sent once before the run (the relay's heartbeat, to join). */
  hello?: string
  /** Sent once after the run (the relay's `quit`, to leave). */
  bye?: string
  /** Each slot sends one datagram only, and the run ends when all are answered (or lost). */
  once?: boolean
  /** A datagram with no answer after this long is counted lost and its slot sends again. @default 200 */
  lostMs?: number
  /**
   * `connected`: a connected socket, `send(buf)`; `sendto`: an unconnected one, `send(buf, port,
   * host)` per datagram, as the tutorials' clients do (Python's `sendto`). @default 'connected'
   */
  client?: 'connected' | 'sendto'
  /**
   * `dots` (unchanged by uppercasing), `mixed` (mixed case, some non-ASCII: uppercasing changes
   * it) or `lower` (lower-case ASCII: uppercasing changes every letter). @default 'dots'
   */
  text?: 'dots' | 'mixed' | 'lower'
}

export interface LoadResult {
  /** Replies counted while measuring. */
  count: number
  /** Replies in the whole run, warm-up included. */
  total: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  /** Slots that waited longer than LOST_MS and were sent again. */
  lost: number
}

const STRAGGLERS_MS = 50
// Mixed case with some non-ASCII whose upper case has the same UTF-8 length (é É, ö Ö, ç Ç, ñ Ñ).
const MIXED = 'Hello wörld, ça va? Señor Éclair says hi; mixed Case text '
const LOWER = 'hello world, this is lower-case text for the echo; '

/** A payload of `size` bytes after the 12 digits: dots, or the mixed or lower text cut at a character's end. */
function payload(size: number, text: LoadCommand['text']): Buffer {
  const buf = Buffer.alloc(size, '.')
  if (text !== 'mixed' && text !== 'lower') return buf
  const words = text === 'mixed' ? MIXED : LOWER
  let at = 12
  for (const char of words.repeat(Math.ceil(size / words.length))) {
    const bytes = Buffer.from(char)
    if (at + bytes.length > size) break
    bytes.copy(buf, at)
    at += bytes.length
  }
  return buf
}

// Slot (2 digits) and sequence number (10 digits), then dots: the same bytes after uppercasing.
function fill(buf: Buffer, slot: number, seq: number): void {
  buf[0] = 48 + Math.floor(slot / 10)
  buf[1] = 48 + (slot % 10)
  let n = seq
  for (let i = 11; i >= 2; i--, n = Math.floor(n / 10)) buf[i] = 48 + (n % 10)
}

function readInt(buf: Buffer, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) n = n * 10 + (buf[i]! - 48)
  return n
}

async function run(socket: dgram.Socket, cmd: LoadCommand): Promise<LoadResult> {
  const size = Math.max(12, cmd.size ?? 64)
  const window = Math.min(99, cmd.window)
  // One buffer per slot: a slot sends again only after its last datagram came back, so it has left.
  const buffers = Array.from({ length: window }, () => payload(size, cmd.text))
  const to = cmd.client === 'sendto' ? { port: cmd.port, host: cmd.host } : undefined
  const local = socket.address()
  const offset = cmd.prefix === 'sender' ? `${local.address}:${local.port}: `.length : 0
  const seqs = new Float64Array(window)
  const sentAt = new Float64Array(window)
  const latencies: number[] = []
  let measuring = false
  let running = true
  let count = 0
  let total = 0
  let lost = 0
  const lostMs = cmd.lostMs ?? 200

  const send = (slot: number) => {
    const buf = buffers[slot]!
    fill(buf, slot, ++seqs[slot]!)
    sentAt[slot] = performance.now()
    if (to) socket.send(buf, to.port, to.host)
    else socket.send(buf)
  }
  const onMessage = (buf: Buffer) => {
    if (buf.length < offset + 12) return
    const slot = readInt(buf, offset, offset + 2)
    if (slot >= window || readInt(buf, offset + 2, offset + 12) !== seqs[slot]) return
    const now = performance.now()
    total++
    if (measuring) {
      count++
      latencies.push((now - sentAt[slot]!) * 1000)
    }
    if (running) send(slot)
  }
  socket.on('message', onMessage)
  if (cmd.hello) to ? socket.send(cmd.hello, to.port, to.host) : socket.send(cmd.hello)
  const watchdog = setInterval(
    () => {
      const now = performance.now()
      for (let slot = 0; slot < window; slot++) {
        if (running && now - sentAt[slot]! > lostMs) {
          lost++
          send(slot)
        }
      }
    },
    Math.min(50, lostMs / 4),
  )
  if (cmd.once) {
    measuring = true
    running = false
    clearInterval(watchdog)
    const began = performance.now()
    for (let slot = 0; slot < window; slot++) send(slot)
    while (count < window && performance.now() - began < lostMs) await sleep(1)
    socket.off('message', onMessage)
    if (cmd.bye) await bye(socket, cmd)
    return {
      count,
      total,
      seconds: (performance.now() - began) / 1000,
      perSecond: NaN,
      p50: NaN,
      p99: NaN,
      lost: window - count,
    }
  }
  for (let slot = 0; slot < window; slot++) send(slot)

  await sleep(cmd.warmupMs)
  const began = performance.now()
  measuring = true
  const lostBefore = lost
  await sleep(cmd.durationMs)
  measuring = false
  const seconds = (performance.now() - began) / 1000
  running = false
  clearInterval(watchdog)
  await sleep(STRAGGLERS_MS)
  socket.off('message', onMessage)
  if (cmd.bye) await bye(socket, cmd)
  latencies.sort((a, b) => a - b)
  return {
    count,
    total,
    seconds,
    perSecond: count / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    lost: lost - lostBefore,
  }
}

function bye(socket: dgram.Socket, cmd: LoadCommand): Promise<void> {
  return new Promise<void>((resolve) =>
    cmd.client === 'sendto'
      ? socket.send(cmd.bye!, cmd.port, cmd.host, () => resolve())
      : socket.send(cmd.bye!, () => resolve()),
  )
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function main(): Promise<void> {
  // One socket per command: a relay sees a new member, an echo server a new peer.
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue
    const cmd = JSON.parse(line) as LoadCommand
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 })
    socket.on('error', (error) => process.stderr.write(`load: ${error.message}\n`))
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    // Connected: no address lookup per send, and only the server's datagrams come in.
    if (cmd.client !== 'sendto') await new Promise<void>((resolve) => socket.connect(cmd.port, cmd.host, resolve))
    const result = await run(socket, cmd)
    socket.close()
    process.stdout.write(JSON.stringify(result) + '\n')
  }
}

await main()
