import dgram from 'node:dgram'
import { createConsola } from 'consola'
import { createChat, definePlugin, resolveConfig, type ChatEvent, type Plugin } from '../../core/index.ts'
import { autoReply, codec, relay, timeServer, uppercaseEcho } from '../../plugins/index.ts'

/** The servers the fuzz runs against: the example servers' plugins, and a bare listener. */
export const SERVERS: Record<string, { plugins: () => Plugin<any>[]; check: { send: string; expect: RegExp } }> = {
  echo: { plugins: () => [codec('utf-8'), uppercaseEcho()], check: { send: 'hello', expect: /^HELLO$/ } },
  time: { plugins: () => [codec('utf-8'), timeServer()], check: { send: '%Y', expect: /^\d{4}$/ } },
  bot: {
    plugins: () => [
      codec('utf-8'),
      autoReply({
        rules: [
          ['ping', 'pong'],
          [/^my name is (\w+)/i, 'hi $1'],
          [/(.*)/, (_m, match) => `you said ${match![1]}`],
        ],
      }),
    ],
    check: { send: 'ping', expect: /^pong$/ },
  },
  relay: {
    plugins: () => [codec('utf-8'), relay({ maxMembers: 100 })],
    check: { send: 'hi', expect: /^127\.0\.0\.77:\d+: hi$/ },
  },
  listen: { plugins: () => [], check: { send: 'hello', expect: /^$/ } },
}

const PATTERNS = [
  '%536870000A',
  '%99999999999A',
  '%65507A',
  '%1024A',
  '%c',
  '%-_0^#10Ec',
  '%%',
  '%',
  '%Q',
  '%Ey',
  '%Oz',
  '%f%z%Z',
]

/** One datagram of the kinds the issue measured: random bytes, broken UTF-8, CESU surrogates, NULs, 0 and 65,507 bytes, `%` patterns, protocol words. */
export function fuzzDatagram(random: () => number): Uint8Array {
  const kind = Math.floor(random() * 12)
  const size = (max: number) => Math.floor(random() * max)
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256))
  switch (kind) {
    case 0:
      return bytes(size(64))
    case 1:
      return Buffer.from(Array.from({ length: size(40) }, () => [0xff, 0xc3, 0xe2, 0x82, 0xf0, 0x80, 0x61][size(7)]!))
    case 2:
      return Buffer.from([0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80, 0x41].slice(0, 1 + size(7)))
    case 3:
      return new Uint8Array(size(32))
    case 4:
      return random() < 0.02 ? bytes(65_507) : new Uint8Array(0)
    case 5:
      return Buffer.from(Array.from({ length: 1 + size(20) }, () => PATTERNS[size(PATTERNS.length)]).join(''))
    case 6:
      return Buffer.from(`%${'-_0^#'[size(5)]}${size(100_000)}${'AaBbcdxXYpZz'[size(12)]}`.repeat(1 + size(50)))
    case 7:
      return Buffer.from(['^hb^', 'quit', ' ^hb^\r\n', 'quit\n', 'Bye!', 'ping', 'my name is x'][size(7)]!)
    case 8:
      return Buffer.from('ΐɐßﬃ'.repeat(size(200)))
    case 9:
      return Buffer.from('\x1b[2J\x1b[H\u202e'.repeat(1 + size(10)))
    case 10:
      return random() < 0.05 ? Buffer.alloc(1 + size(60_000), 'x') : bytes(size(1500))
    default:
      return Buffer.from('x'.repeat(size(300)))
  }
}

/** A small seeded generator, so a failing run can be repeated. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 0x1_0000_0000
  }
}

export interface FuzzResult {
  server: string
  sent: number
  handled: number
  errors: string[]
  rssGrowthMB: number
  answeredAfter: boolean
  ms: number
}

/**
 * Starts `server` in this process on a real socket and sends it `count` fuzzed datagrams from 8
 * sources (127.0.0.2-9), a window at a time (each waits until the chat has read what came before,
 * so the socket's buffer does not overflow). Then a new source (127.0.0.77) asks its usual question.
 */
export async function fuzzServer(server: string, count: number, seed = 1): Promise<FuzzResult> {
  const spec = SERVERS[server]!
  const began = performance.now()
  let handled = 0
  const counter = definePlugin({ name: 'count', enforce: 'pre', decode: () => void handled++ })
  const errors: string[] = []
  const messages: string[] = []
  const chat = await createChat({
    // The fuzz is the content, so the per-source rate limit (one sender here) is lifted; the answer
    // budget and the amplification limit stay, as they bound what the servers send back.
    config: resolveConfig({
      host: '127.0.0.1',
      port: 0,
      limits: { perSource: false },
      plugins: [counter, ...spec.plugins()],
    }),
    datagramEvents: ['message'],
    // The relay says who joined and left; thousands of lines of it would only hide the result.
    logger: createConsola({ level: -999 }),
    onEvent(event: ChatEvent) {
      if (event.type === 'error') errors.push(`${event.plugin ?? 'chat'}: ${event.error.message}`)
      if (event.type === 'message' && event.message.from.host === '127.0.0.77') messages.push(event.message.text)
    },
  })
  const sockets = await Promise.all(Array.from({ length: 8 }, (_, i) => bind(`127.0.0.${i + 2}`)))
  const rssBefore = process.memoryUsage().rss
  const random = seeded(seed)
  let sent = 0
  let peakRss = rssBefore
  while (sent < count) {
    let windowBytes = 0
    const start = sent
    while (sent < count && sent - start < 256 && windowBytes < 1 << 20) {
      const data = fuzzDatagram(random)
      windowBytes += data.length + 64
      sockets[sent % sockets.length]!.send(data, chat.local.port, '127.0.0.1')
      sent++
    }
    await caughtUp(() => handled >= sent, 2000)
    if (sent % 65_536 < 256) peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }
  await chat.idle()
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  const checker = await bind('127.0.0.77')
  const answers: string[] = []
  checker.on('message', (data) => answers.push(data.toString()))
  if (server === 'relay') checker.send('^hb^', chat.local.port, '127.0.0.1')
  checker.send(spec.check.send, chat.local.port, '127.0.0.1')
  const answeredAfter = await caughtUp(
    () => (server === 'listen' ? messages.includes(spec.check.send) : answers.some((a) => spec.check.expect.test(a))),
    10_000,
  )
  await chat.close()
  for (const socket of [...sockets, checker]) socket.close()
  return {
    server,
    sent,
    handled,
    errors,
    rssGrowthMB: (peakRss - rssBefore) / 1024 / 1024,
    answeredAfter,
    ms: performance.now() - began,
  }
}

async function bind(host: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, host, resolve))
  // The servers answer; this side only needs to not fail on it.
  socket.on('error', () => {})
  return socket
}

/** Resolves true once `done()` holds, false after `ms`; it looks again on each turn of the loop. */
function caughtUp(done: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms
  return new Promise((resolve) => {
    const look = () => {
      if (done()) return resolve(true)
      if (performance.now() > until) return resolve(false)
      setImmediate(look)
    }
    look()
  })
}
