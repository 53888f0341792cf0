import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createChat,
  definePlugin,
  resolveConfig,
  type Chat,
  type ChatConfig,
  type ChatEvent,
  type Plugin,
} from '../../core/index.ts'
import { timeServer, uppercaseEcho } from '../../plugins/index.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const open: Array<{ close(): Promise<void> | void }> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()))
})

/** A chat on 127.0.0.1:0 and every event it reports. */
async function start(plugins: Plugin<any>[], limits?: ChatConfig['limits']) {
  const events: ChatEvent[] = []
  const waiters = new Set<() => void>()
  const chat = await createChat({
    config: resolveConfig({ host: '127.0.0.1', port: 0, plugins, limits }),
    onEvent(event) {
      events.push(event)
      for (const wake of waiters) wake()
    },
  })
  open.push(chat)
  /** Resolves once `check` holds over the events seen so far. */
  const until = (check: (events: ChatEvent[]) => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}; saw ${events.length} events`)), 10_000)
      const test = () => {
        if (!check(events)) return
        clearTimeout(timer)
        waiters.delete(test)
        resolve()
      }
      waiters.add(test)
      test()
    })
  const count = (type: ChatEvent['type']) => events.filter((e) => e.type === type).length
  return { chat, events, until, count }
}

async function peer(): Promise<PlainSocket> {
  const socket = await plainSocket()
  open.push(socket)
  return socket
}

/** A socket bound to another loopback address (127.0.0.x): a different source to the chat. */
async function socketOn(host: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, host, resolve))
  open.push({ close: () => new Promise<void>((resolve) => socket.close(() => resolve())) })
  return socket
}

const sendFrom = (socket: dgram.Socket, text: string | Uint8Array, port: number) =>
  new Promise<void>((resolve, reject) =>
    socket.send(text, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
  )

describe('limits.perSource', () => {
  it('drops a source over its rate before decode, counts it, and leaves other sources alone', async () => {
    const decoded: string[] = []
    const spy = definePlugin({
      name: 'spy',
      decode: (bytes) => (decoded.push(Buffer.from(bytes).toString()), undefined),
    })
    const { chat, events, until, count } = await start([spy], { perSource: { rate: 0.001, burst: 5 } })
    const flooder = await peer()
    for (let i = 0; i < 20; i++) await flooder.send(`f${i}`, chat.local.port)
    const other = await socketOn('127.0.0.2')
    await sendFrom(other, 'other', chat.local.port)
    await until((e) => e.some((x) => x.type === 'message' && x.message.text === 'other'), 'no message from 127.0.0.2')
    await chat.close()
    expect(count('message')).toBe(6)
    expect(decoded).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'other'])
    const reports = events.filter((e): e is Extract<ChatEvent, { type: 'guard' }> => e.type === 'guard')
    expect(reports.at(-1)!.total.rateLimited).toBe(15)
  })
})

describe('limits.answers', () => {
  it('counts answers per address, not per port: rotating ports does not get around it', async () => {
    const { chat, until } = await start([uppercaseEcho()], { answers: { rate: 0.001, burst: 4 } })
    const clients = await Promise.all(Array.from({ length: 10 }, () => peer()))
    for (const client of clients) await client.send('hi', chat.local.port)
    await until((e) => e.filter((x) => x.type === 'drop').length === 6, 'not 6 drops')
    await chat.idle()
    const answered = await Promise.all(
      clients.map((c) =>
        c.next(200).then(
          () => 1,
          () => 0,
        ),
      ),
    )
    expect(answered.reduce((a: number, b) => a + b, 0)).toBe(4)
  })

  it('stops two echo servers forged into each other (one datagram with the source of the other)', async () => {
    const a = await start([uppercaseEcho()])
    const b = await start([uppercaseEcho()])
    // The one datagram that starts it: to B, from A's own socket, as a forged source would be.
    await a.chat.send('ping', { ...b.chat.local })
    const stopped = (e: ChatEvent[]) => e.some((x) => x.type === 'drop' && /answer budget/.test(x.reason))
    await Promise.race([a.until(stopped, 'A never stopped'), b.until(stopped, 'B never stopped')])
    await a.chat.idle()
    await b.chat.idle()
    const total = a.count('message') + b.count('message')
    // The default budget: 50 at once and 100 a second; the loop spends it far faster.
    expect(total).toBeGreaterThan(50)
    expect(total).toBeLessThan(2 * 50 + 2 * 100 * 5)
    // Nothing in flight any more: one more look at each, after both went idle, finds the same counts.
    const before = [a.count('message'), b.count('message')]
    await a.chat.idle()
    await b.chat.idle()
    expect([a.count('message'), b.count('message')]).toEqual(before)
  })
})

describe('limits.amplification', () => {
  /** The worst a plugin can do: answer every datagram with 100 times its text. */
  const amplifier = definePlugin({ name: 'amplifier', inbound: (m, ctx) => ctx.reply(m, m.text.repeat(100)) })

  it('keeps the bytes sent to an unproven address within 3x what it sent, plus the allowance', async () => {
    const { chat, events, until } = await start([amplifier], { answers: false })
    const client = await peer()
    const began = Date.now()
    let bytesIn = 0
    for (let i = 0; i < 200; i++) {
      const text = 'x'.repeat(1 + (i % 7))
      bytesIn += text.length
      await client.send(text, chat.local.port)
    }
    await until((e) => e.filter((x) => x.type === 'message').length === 200, 'not 200 messages')
    await chat.idle()
    const seconds = (Date.now() - began) / 1000 + 1
    const bytesOut = events.reduce((n, e) => n + (e.type === 'sent' ? e.bytes : 0), 0)
    const drops = events.filter((e) => e.type === 'drop')
    expect(drops.length).toBeGreaterThan(0)
    expect(drops[0]).toMatchObject({
      plugin: 'amplifier',
      direction: 'outbound',
      reason: expect.stringMatching(/has not proved it receives/),
    })
    expect(bytesOut).toBeLessThanOrEqual(3 * bytesIn + 256 * seconds)
  })

  it('holds the worst inputs of the issue to 3x plus the allowance: %c at the time server, bad bytes at the echo', async () => {
    for (const [plugins, worst] of [
      [[timeServer({ maxReplies: 1000 })], Buffer.from('%c'.repeat(200))],
      [[timeServer({ maxReplies: 1000 })], Buffer.from('%65507A')],
      [[uppercaseEcho()], Buffer.alloc(1000, 0xff)],
    ] as const) {
      const { chat, events, until } = await start([...plugins], { answers: false })
      const client = await peer()
      const began = Date.now()
      for (let i = 0; i < 50; i++) await client.send(worst, chat.local.port)
      await until((e) => e.filter((x) => x.type === 'message').length === 50, 'not 50 messages')
      await chat.idle()
      const bytesIn = 50 * worst.length
      const bytesOut = events.reduce((n, e) => n + (e.type === 'sent' ? e.bytes : 0), 0)
      expect(bytesOut).toBeLessThanOrEqual(3 * bytesIn + 256 * ((Date.now() - began) / 1000 + 1))
      await chat.close()
    }
  })

  it('lets a plugin mark an address proven (a cookie answered), and a contact is proven', async () => {
    const prover = definePlugin({
      name: 'prover',
      inbound(m, ctx) {
        if (m.text === 'cookie') ctx.markProven(m.from)
        else ctx.reply(m, m.text.repeat(100))
      },
    })
    const { chat, count } = await start([prover])
    const client = await peer()
    await client.send('cookie', chat.local.port)
    await client.send('abcdefghij', chat.local.port)
    expect((await client.next()).data.length).toBe(1000)
    expect(count('drop')).toBe(0)
  })
})

describe('regressions (issue 11)', () => {
  it('timeServer() survives eight %536870000A and ten %99999999999A, and still answers', async () => {
    // Its own budget (10 a second per address) would hold back the last answer: this is about content.
    const { chat, events } = await start([timeServer({ maxReplies: 100 })])
    const clients = await Promise.all(Array.from({ length: 8 }, () => peer()))
    // Growth, not the total: the test process may hold much else (the mutation runner runs every file in one).
    const rssBefore = process.memoryUsage().rss
    for (const client of clients) await client.send('%536870000A', chat.local.port)
    for (let i = 0; i < 10; i++) await clients[0]!.send('%99999999999A', chat.local.port)
    const answer = await clients[1]!.next()
    expect(answer.data.toString()).toBe('%536870000A')
    await clients[2]!.send('%Y', chat.local.port)
    let got = ''
    while (!/^\d{4}$/.test(got)) got = (await clients[2]!.next()).data.toString()
    expect(events.filter((e) => e.type === 'error')).toEqual([])
    // Before the fix one datagram took the process to 1.1 GB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024)
  })

  it('timeServer() drops a pattern whose answer would be too long, with a reason, and is not switched off', async () => {
    const { chat, events, until } = await start([timeServer({ maxReplies: 100 })], { amplification: false })
    const client = await peer()
    for (let i = 0; i < 12; i++) await client.send('%1000A'.repeat(20), chat.local.port)
    await until((e) => e.filter((x) => x.type === 'drop').length === 12, 'not 12 drops')
    expect(events.find((e) => e.type === 'drop')).toMatchObject({
      plugin: 'timeServer',
      reason: expect.stringMatching(/over 8192 chars/),
    })
    await client.send('%Y', chat.local.port)
    expect((await client.next()).data.toString()).toMatch(/^\d{4}$/)
    expect(events.filter((e) => e.type === 'error')).toEqual([])
  })

  it('uppercaseEcho() answers malformed input without growing it', async () => {
    const { chat } = await start([uppercaseEcho()])
    const client = await peer()
    const bad = Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3])
    await client.send(bad, chat.local.port)
    expect((await client.next()).data.toString('latin1')).toBe('A??B?')
    await client.send('ΐ ɐ é', chat.local.port)
    const answer = (await client.next()).data
    expect(answer.length).toBeLessThanOrEqual(Buffer.byteLength('ΐ ɐ é'))
    expect(answer.toString()).toBe('ΐ ɐ É')
  })
})

describe('createChat({ coolDown })', () => {
  it('brings a hook switched off by repeated failures back by itself: a peer cannot switch a plugin off for good', async () => {
    let calls = 0
    const lines: string[] = []
    const { createConsola } = await import('consola')
    const logger = createConsola({ level: 3, reporters: [{ log: (entry) => lines.push(String(entry.args[0])) }] })
    const flaky = definePlugin({
      name: 'flaky',
      inbound: () => {
        calls++
        throw new Error('bad content')
      },
    })
    const chat = await createChat({
      config: resolveConfig({ host: '127.0.0.1', port: 0, plugins: [flaky] }),
      maxFailures: 3,
      coolDown: 200,
      logger,
      onEvent: () => {},
    })
    open.push(chat)
    const client = await peer()
    for (let i = 0; i < 4; i++) await client.send('boom', chat.local.port)
    await new Promise<void>((resolve) => {
      const look = () => (lines.some((l) => /inbound hook is back on/.test(l)) ? resolve() : setTimeout(look, 20))
      look()
    })
    const before = calls
    await client.send('boom', chat.local.port)
    await new Promise<void>((resolve) => {
      const look = () => (calls > before ? resolve() : setTimeout(look, 20))
      look()
    })
    expect(before).toBe(3)
  })
})
