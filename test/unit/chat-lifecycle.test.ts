import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createChat,
  definePlugin,
  resolveConfig,
  type ChatEvent,
  type ChatOptions,
  type Plugin,
} from '../../core/index.ts'
import { describePlugins, orderPlugins } from '../../core/plugin.ts'
import type { UdpTransport } from '../../core/runtime/types.ts'
import { createMemoryNetwork, type MemoryNetwork } from '../../core/testing.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { kit } from '../helpers/kit.ts'
import { counter } from '../helpers/plugins.ts'

// createChat() through a chat's life on the in-memory network: the default logger, socket
// errors, stores across reloads, what a reload reports of its time, and how close() waits.
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

async function start(network: MemoryNetwork, plugins: Plugin<any>[] = [], more: Partial<ChatOptions> = {}) {
  const events: ChatEvent[] = []
  const chat = closeAfterTest(
    await createChat({
      config: resolveConfig({ host: '127.0.0.1', port: 0, plugins }),
      transport: network.transport,
      onEvent: (event) => events.push(event),
      ...more,
    }),
  )
  return { chat, events }
}

function say(network: MemoryNetwork, text: string, to: { host: string; port: number; family: 'IPv4' | 'IPv6' }) {
  const socket = network.bindNow({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
  return new Promise<number>((resolve) =>
    socket.send(new TextEncoder().encode(text), to, () => resolve(socket.local.port)),
  )
}

describe('createChat() with neither logger nor onEvent', () => {
  it('logs an error event on stderr, tagged udpchat', async () => {
    const written: string[] = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true))
    const network = createMemoryNetwork()
    const bad = definePlugin({
      name: 'bad',
      inbound: () => {
        throw new Error('boom')
      },
    })
    const chat = closeAfterTest(
      await createChat({
        config: resolveConfig({ host: '127.0.0.1', port: 0, plugins: [bad] }),
        transport: network.transport,
      }),
    )
    const port = await say(network, 'hi', chat.local)
    await chat.idle()
    vi.restoreAllMocks()
    expect(written.join('')).toContain('[udpchat]')
    expect(written.join('')).toContain(`plugin "bad" (inbound, 127.0.0.1:${port}): boom`)
  })
})

describe('createChat(): the socket', () => {
  it("reports the socket's own errors as error events", async () => {
    const network = createMemoryNetwork()
    let fail!: (error: Error) => void
    const transport: UdpTransport = {
      ...network.transport,
      bind: (options) => ((fail = options.onError), network.transport.bind(options)),
    }
    const { events } = await start(network, [], { transport })
    const error = new Error('socket trouble')
    fail(error)
    expect(events.filter((e) => e.type === 'error')).toEqual([{ type: 'error', error }])
  })

  it('bound to an address that is neither wildcard nor loopback, knows its own datagrams by it', async () => {
    const network = createMemoryNetwork()
    const events: ChatEvent[] = []
    const chat = closeAfterTest(
      await createChat({
        config: resolveConfig({ host: '10.0.0.5', port: 0 }),
        transport: network.transport,
        onEvent: (event) => events.push(event),
      }),
    )
    await chat.send('to myself', chat.local)
    await say(network, 'from a peer', chat.local)
    await chat.idle()
    expect(events.flatMap((e) => (e.type === 'message' ? [e.message.text] : []))).toEqual(['from a peer'])
  })
})

describe('ctx.markProven() without an amplification limit', () => {
  it('does nothing, and throws nothing', async () => {
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'cookie',
          inbound: (m, ctx) => {
            ctx.markProven(m.from)
            ctx.markProven(m.from, false)
            ctx.reply(m, 'ok')
          },
        }),
      ],
      config: { limits: { amplification: false } },
    })
    const delivery = await t.peer().send('x')
    delivery.expectReply('ok')
    expect(delivery.errors).toEqual([])
  })
})

describe('Chat.reload(): stores and times', () => {
  it("keeps a plugin's store through several reloads of itself in a row", async () => {
    const t = await kit([counter(1)])
    const alice = t.peer()
    ;(await alice.send('x')).expectReply('1')
    await t.reload([counter(10)])
    ;(await alice.send('x')).expectReply('11')
    await t.reload([counter(100)])
    ;(await alice.send('x')).expectReply('111')
  })

  it('reports the time to the swap and in all, each within the time the reload took', async () => {
    const t = await kit([definePlugin({ name: 'a', setup: async () => {} })])
    const began = performance.now()
    const report = await t.reload([definePlugin({ name: 'b', setup: async () => {} })])
    const took = performance.now() - began
    expect(report.swapMs).toBeGreaterThanOrEqual(0)
    expect(report.swapMs).toBeLessThanOrEqual(report.ms)
    expect(report.ms).toBeLessThanOrEqual(took)
  })

  it('gives the failed setup as the cause of a failed reload', async () => {
    const t = await kit([])
    const cause = new Error('no key')
    const error = await t
      .reload([
        definePlugin({
          name: 'new',
          setup: () => {
            throw cause
          },
        }),
      ])
      .catch((e: Error) => e)
    expect(error).toMatchObject({ code: 'E_PLUGIN' })
    expect((error as Error).cause).toMatchObject({ cause })
  })
})

describe('Chat.close()', () => {
  it('lets a message in an async hook finish before the plugins are disposed', async () => {
    const steps: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let entered!: () => void
    const inHook = new Promise<void>((resolve) => (entered = resolve))
    const network = createMemoryNetwork()
    const slow = definePlugin({
      name: 'slow',
      inbound: async () => {
        entered()
        await gate
        steps.push('hook done')
      },
      dispose: () => void steps.push('dispose'),
    })
    const { chat } = await start(network, [slow])
    void say(network, 'hi', chat.local)
    await inHook
    const closing = chat.close()
    await Promise.resolve()
    release()
    await closing
    expect(steps).toEqual(['hook done', 'dispose'])
  })

  it('gives up waiting for a send that never leaves: hookTimeout, then the drain second', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const stuck: UdpTransport = {
      ...network.transport,
      bind: async (options) => {
        const socket = await network.transport.bind(options)
        return { ...socket, send: () => {} }
      },
    }
    const { chat, events } = await start(network, [], { transport: stuck, hookTimeout: 100 })
    const sending = chat.send('never leaves', { host: '127.0.0.1', port: 9, family: 'IPv4' })
    void sending.catch(() => undefined)
    let closed = false
    const closing = chat.close().then(() => (closed = true))
    await vi.advanceTimersByTimeAsync(1099)
    expect(closed).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await closing
    expect(events.at(-1)).toEqual({ type: 'closed' })
  })
})

describe('describePlugins()', () => {
  it('without the running hooks, shows none switched off; with them, only those no entry of the plugin has', async () => {
    const a = definePlugin({ name: 'a', enforce: 'post', inbound: () => undefined })
    const b = definePlugin({ name: 'b', inbound: () => undefined, outbound: () => undefined })
    const ordered = orderPlugins([
      { plugin: a, options: 1 },
      { plugin: b, options: undefined },
    ])
    expect(describePlugins(ordered)).toEqual([
      { name: 'b', hooks: ['inbound', 'outbound'], off: [], options: undefined },
      { name: 'a', enforce: 'post', hooks: ['inbound'], off: [], options: 1 },
    ])
    const t = await kit([a, b])
    expect(t.chat.plugins().map((p) => [p.name, p.off])).toEqual([
      ['b', []],
      ['a', []],
    ])
  })
})
