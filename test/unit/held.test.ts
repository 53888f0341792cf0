import { afterEach, describe, expect, it } from 'vitest'
import { createChat, definePlugin, resolveConfig, type Address, type Chat, type ChatEvent } from '../../core/index.ts'
import { HELD } from '../../core/guard.ts'
import { createMemoryNetwork } from '../../core/testing.ts'
import { fresh } from '../helpers/fresh.ts'
import { kit } from '../helpers/kit.ts'

// What the chat keeps in memory for work it cannot do yet is bounded by count and by bytes,
// whatever a flood sends: past it, datagrams are dropped and counted as `busy`.
const chats: Chat[] = []
afterEach(async () => void (await Promise.all(chats.splice(0).map((c) => c.close()))))

const from: Address = { host: '127.0.0.9', port: 4000, family: 'IPv4' }
const at: Address = { host: '127.0.0.1', port: 7000, family: 'IPv4' }

/**
 * The busy drops in all, from the `guard` event the chat makes as it closes (the same counts as the
 * once-a-second report, without waiting up to a second for it).
 */
async function busyAtClose(chat: { close(): Promise<void> }, events: ChatEvent[]): Promise<number | undefined> {
  await chat.close()
  const report = events.findLast((e) => e.type === 'guard')
  return report?.type === 'guard' ? report.total.busy : undefined
}

/** The bounds the README gives (The limits): 4,096 datagrams and 16 MiB. */
const README = { count: 4096, bytes: 16 * 1024 * 1024 }

/**
 * A chat whose plugins start only when `open()` is called, on an in-memory network, with `datagrams` delivered meanwhile.
 * Its modules are loaded afresh, so that the module-level bounds (`HELD`) are checked too (test/helpers/fresh.ts).
 */
async function startingChat(datagrams: Uint8Array[]) {
  const { createChat, definePlugin, resolveConfig } = await fresh(() => import('../../core/index.ts'))
  const { createMemoryNetwork } = await import('../../core/testing.ts')
  const network = createMemoryNetwork()
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const seen: number[] = []
  const events: ChatEvent[] = []
  const plugin = definePlugin({
    name: 'slow-start',
    setup: () => gate,
    inbound: (m) => void seen.push(m.bytes.byteLength),
  })
  const config = resolveConfig({ host: at.host, port: at.port, limits: { perSource: false }, plugins: [plugin] })
  const started = createChat({ config, transport: network.transport, onEvent: (e) => events.push(e) })
  // Bound (it takes the first) once a datagram is taken; the plugins are still starting.
  while (!network.deliver(datagrams[0]!, from, at)) await Promise.resolve()
  for (const bytes of datagrams.slice(1)) network.deliver(bytes, from, at)
  open()
  const chat = await started
  chats.push(chat)
  await chat.idle()
  return { chat, seen, events }
}

describe('datagrams held while the plugins start', () => {
  it('keeps at most HELD.count of them, the rest counted as busy', async () => {
    expect(HELD).toEqual(README)
    const { chat, seen, events } = await startingChat(
      Array.from({ length: README.count + 100 }, () => new Uint8Array(1)),
    )
    expect(seen.length).toBe(README.count)
    expect(await busyAtClose(chat, events)).toBe(100)
  })

  it('keeps at most HELD.bytes of them (large datagrams run out of bytes before the count)', async () => {
    const size = 60_000
    const { chat, seen, events } = await startingChat(Array.from({ length: 400 }, () => new Uint8Array(size)))
    expect(seen.length).toBe(Math.floor(README.bytes / size))
    expect(await busyAtClose(chat, events)).toBe(400 - Math.floor(README.bytes / size))
  })

  it('keeps datagrams that fill HELD.bytes exactly, and not one byte more', async () => {
    const size = 32 * 1024
    const fit = HELD.bytes / size
    const { chat, seen, events } = await startingChat(Array.from({ length: fit + 1 }, () => new Uint8Array(size)))
    expect(seen.length).toBe(fit)
    expect(await busyAtClose(chat, events)).toBe(1)
  })
})

/** A chat whose one plugin's inbound hook waits until `release()`; `entered()` counts the messages that reached it. */
async function slowChat() {
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  let entered = 0
  const t = await kit({
    plugins: [definePlugin({ name: 'slow', inbound: () => (entered++, released) })],
    config: { limits: { perSource: false } },
    hookTimeout: 60_000,
  })
  return { t, release, entered: () => entered }
}

describe('messages waiting in a slow async hook', () => {
  it('are bounded by count: a flood at a hook that never answers is dropped and counted, and the chat recovers', async () => {
    const { t, release, entered } = await slowChat()
    const alice = t.peer('alice')
    const one = new Uint8Array(1)
    for (let i = 0; i < HELD.count + 50; i++) t.network.deliver(one, alice.address, t.address)
    expect(entered()).toBe(HELD.count)
    release()
    await t.settle()
    expect(t.messages).toHaveLength(HELD.count)
    await alice.send('after')
    expect(t.messages.at(-1)!.text).toBe('after')
    expect(await busyAtClose(t, t.events)).toBe(50)
  })

  it('are bounded by bytes: large datagrams stop being taken before the count', async () => {
    const { t, release, entered } = await slowChat()
    const alice = t.peer('alice')
    const big = new Uint8Array(60_000).fill(0x61) // 60,000 bytes and as many chars
    for (let i = 0; i < 300; i++) t.network.deliver(big, alice.address, t.address)
    const each = 60_000 + 2 * 60_000
    expect(entered()).toBe(Math.ceil(HELD.bytes / each))
    release()
    expect(await busyAtClose(t, t.events)).toBe(300 - Math.ceil(HELD.bytes / each))
  })

  it('are taken until exactly HELD.bytes wait, then none', async () => {
    const { t, release, entered } = await slowChat()
    const alice = t.peer('alice')
    // 16,384 two-byte chars: 32 KiB of datagram and 32 KiB of text, 64 KiB waiting for each.
    const wide = new TextEncoder().encode('é'.repeat(16 * 1024))
    const fit = HELD.bytes / (64 * 1024)
    for (let i = 0; i < fit + 4; i++) t.network.deliver(wide, alice.address, t.address)
    expect(entered()).toBe(fit)
    release()
    expect(await busyAtClose(t, t.events)).toBe(4)
  })
})
