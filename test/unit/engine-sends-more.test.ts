import { afterEach, describe, expect, it, vi } from 'vitest'
import { createChat, definePlugin, resolveConfig, type Address, type ChatEvent, type Plugin } from '../../core/index.ts'
import { ChatError } from '../../core/errors.ts'
import type { UdpSocket, UdpTransport } from '../../core/runtime/types.ts'
import { createMemoryNetwork, type MemoryNetwork } from '../../core/testing.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { kit } from '../helpers/kit.ts'

// The engine's way out (core/_sender.ts), the paths test/unit/engine-sends.test.ts and
// engine-broadcast.test.ts leave: the clock of the answer budget, broadcasts before the plugins
// are up or through outbound hooks, the datagram limit on the chat's own send, traces of failed
// sends, a send that completes as the socket closes, and copies that encode alike.
afterEach(() => void vi.useRealTimers())
const decoder = new TextDecoder()

describe('the answer budget over time', () => {
  it('refuses a reply over the budget, and takes one again a second later (sync and async hooks)', async () => {
    vi.useFakeTimers()
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'echo',
          inbound: async (m, ctx) => {
            if (m.text.startsWith('sync')) return ctx.reply(m, m.text)
            await Promise.resolve()
            ctx.reply(m, m.text)
          },
        }),
      ],
      config: { limits: { answers: { rate: 1, burst: 1 } } },
    })
    const alice = t.peer('alice')
    for (const kind of ['sync', 'async']) {
      ;(await alice.send(`${kind} 1`)).expectReply(`${kind} 1`)
      ;(await alice.send(`${kind} 2`)).expectNoReply()
      vi.advanceTimersByTime(1000)
      ;(await alice.send(`${kind} 3`)).expectReply(`${kind} 3`)
      vi.advanceTimersByTime(1000)
    }
  })

  it('counts a reply sent later from a timer at the clock time, not at its datagram arrival', async () => {
    vi.useFakeTimers()
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'twice',
          inbound: (m, ctx) => {
            ctx.reply(m, 'now')
            ctx.setTimeout(() => ctx.reply(m, 'later'), 5000)
          },
        }),
      ],
      config: { limits: { answers: { rate: 1, burst: 1 } } },
    })
    const alice = t.peer('alice')
    ;(await alice.send('hi')).expectReply('now')
    await vi.advanceTimersByTimeAsync(5000)
    await t.settle()
    expect(alice.inbox).toEqual(['now', 'later'])
  })
})

describe('ctx.broadcast() on the other paths', () => {
  it('from setup, before the plugins are up: each copy leaves once the chat is', async () => {
    const t = await kit([])
    const bob = t.peer('bob')
    const carol = t.peer('carol')
    await t.reload([
      definePlugin({ name: 'hello', setup: (ctx) => ctx.broadcast('hello all', [bob.address, carol.address]) }),
    ])
    await t.settle()
    expect([bob.inbox, carol.inbox]).toEqual([['hello all'], ['hello all']])
  })

  it('through the outbound hooks when there are some: each copy as its hook leaves it', async () => {
    const t = await kit([])
    const bob = t.peer('bob')
    const carol = t.peer('carol')
    await t.reload([
      definePlugin({ name: 'fan', inbound: (m, ctx) => ctx.broadcast(m.text, [bob.address, carol.address]) }),
      definePlugin({ name: 'tag', outbound: (m) => ({ ...m, text: `${m.text} @${m.to.port}` }) }),
    ])
    await t.peer('alice').send('news')
    expect([bob.inbox, carol.inbox]).toEqual([[`news @${bob.address.port}`], [`news @${carol.address.port}`]])
  })

  it('wraps once for copies an encoder makes equal but apart, and again for one longer with the same start', async () => {
    const t = await kit([])
    const peers = ['bob', 'carol', 'dave'].map((name) => t.peer(name))
    const wrapped: string[] = []
    await t.reload([
      definePlugin({
        name: 'fan',
        inbound: (m, ctx) =>
          ctx.broadcast(
            m.text,
            peers.map((p) => p.address),
          ),
      }),
      // A new array each time; for dave one byte longer, starting the same.
      definePlugin({
        name: 'enc',
        encode: (text, _ctx, to) => new TextEncoder().encode(to.port === peers[2]!.address.port ? `${text}!` : text),
      }),
      definePlugin({
        name: 'sign',
        wrap: (bytes) => (wrapped.push(decoder.decode(bytes)), Uint8Array.of(...bytes, 0x2a)),
      }),
    ])
    await t.peer('alice').send('ab')
    expect(peers.map((p) => p.inbox)).toEqual([['ab*'], ['ab*'], ['ab!*']])
    expect(wrapped).toEqual(['ab', 'ab!'])
  })
})

describe("what an outgoing message's meta holds", () => {
  it('peer only for a contact: no peer key at all for anyone else', async () => {
    const keys: string[][] = []
    const t = await kit([definePlugin({ name: 'look', sent: (m) => void keys.push(Object.keys(m.meta)) })])
    const bob = t.peer('bob', { contact: true })
    const eve = t.peer('eve')
    await t.send('hi', bob)
    await t.send('hi', eve)
    expect(keys).toEqual([['peer'], []])
  })
})

describe("the chat's own send at the datagram limit", () => {
  it('lets exactly 65,507 bytes go to an IPv4 peer', async () => {
    const t = await kit([])
    const bob = t.peer('bob')
    await t.chat.send('x'.repeat(65_507), bob.address)
    await t.settle()
    expect(bob.datagrams.map((d) => d.byteLength)).toEqual([65_507])
  })

  it("rejects a send a fail-closed wrap hook refuses, as the plugin's (E_PLUGIN)", async () => {
    const t = await kit([
      definePlugin({
        name: 'sign',
        onError: 'drop',
        wrap: () => {
          throw new Error('no key')
        },
      }),
    ])
    const bob = t.peer('bob')
    await expect(t.chat.send('hi', bob.address)).rejects.toMatchObject({ code: 'E_PLUGIN' })
    await t.settle()
    expect(bob.inbox).toEqual([])
  })
})

type Send = UdpSocket['send']

/** A chat on the memory network whose socket's sends go through `send` (given the real one). */
async function withSocket(
  network: MemoryNetwork,
  send: (real: Send) => Send,
  options: { plugins?: Plugin<any>[]; trace?: boolean; hookTimeout?: number; close?: () => void } = {},
) {
  const events: ChatEvent[] = []
  const transport: UdpTransport = {
    ...network.transport,
    bind: async (bind) => {
      const socket = await network.transport.bind(bind)
      return {
        ...socket,
        send: send(socket.send),
        close: () => (options.close?.(), socket.close()),
      }
    },
  }
  const chat = closeAfterTest(
    await createChat({
      config: resolveConfig({ host: '127.0.0.1', port: 0, plugins: options.plugins ?? [] }),
      transport,
      trace: options.trace,
      hookTimeout: options.hookTimeout,
      onEvent: (event) => events.push(event),
    }),
  )
  return { chat, events }
}

describe('sends the socket fails or holds', () => {
  it('ends a traced send the socket refuses as failed', async () => {
    const network = createMemoryNetwork()
    const { chat, events } = await withSocket(
      network,
      () => (_d, _to, done) => done(new ChatError('E_SEND', 'refused')),
      {
        trace: true,
      },
    )
    await expect(chat.send('hi', { host: '127.0.0.1', port: 9, family: 'IPv4' })).rejects.toThrow()
    const traces = events.flatMap((e) => (e.type === 'trace' ? [e.trace] : []))
    expect(traces.map((x) => [x.text, x.outcome])).toEqual([['hi', 'failed']])
  })

  it('reports a send the socket lets go only as it closes, after the plugins are gone', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const held: Array<() => void> = []
    const told: number[] = []
    const { chat, events } = await withSocket(network, (real) => (d, to, done) => held.push(() => real(d, to, done)), {
      plugins: [definePlugin({ name: 'told', sent: (_m, _ctx, bytes) => void told.push(bytes) })],
      hookTimeout: 50,
      close: () => held.splice(0).forEach((go) => go()),
    })
    const sending = chat.send('late', { host: '127.0.0.1', port: 9, family: 'IPv4' })
    const closing = chat.close()
    await vi.advanceTimersByTimeAsync(1050)
    await closing
    await sending
    expect(told).toEqual([])
    expect(events.filter((e) => e.type === 'sent')).toHaveLength(1)
    expect(events.at(-1)).toEqual({ type: 'closed' })
  })
})
