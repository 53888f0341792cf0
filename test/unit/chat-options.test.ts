import { createConsola } from 'consola'
import { describe, expect, it } from 'vitest'
import { createChat, definePlugin, resolveConfig, type ChatEvent, type ChatOptions } from '../../core/index.ts'
import { createMemoryNetwork, type MemoryNetwork } from '../../core/testing.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'

// createChat()'s own options and rules, on the in-memory network: which per-datagram events it
// builds, where errors go without a handler, its own datagrams, closing once.
async function start(network: MemoryNetwork, options: Partial<ChatOptions> & { host?: string } = {}) {
  const events: ChatEvent[] = []
  const { host = '127.0.0.1', ...rest } = options
  const chat = closeAfterTest(
    await createChat({
      config: resolveConfig({ host, port: 0 }),
      transport: network.transport,
      onEvent: (event) => events.push(event),
      ...rest,
    }),
  )
  return { chat, events }
}

const types = (events: ChatEvent[]) => events.map((e) => e.type)

function peer(network: MemoryNetwork, host = '127.0.0.1', port = 0) {
  const got: string[] = []
  const socket = network.bindNow({
    host,
    port,
    onDatagram: (data) => got.push(new TextDecoder().decode(data)),
    onError() {},
  })
  const say = (text: string, to: { host: string; port: number; family: 'IPv4' | 'IPv6' }) =>
    new Promise<void>((resolve) => socket.send(new TextEncoder().encode(text), to, () => resolve()))
  return { socket, got, say }
}

describe('createChat({ datagramEvents })', () => {
  it.each([
    [undefined, ['listening', 'message', 'sent']],
    [['message'] as const, ['listening', 'message']],
    [['sent'] as const, ['listening', 'sent']],
    [[] as const, ['listening']],
  ])('with %j reports %j for a datagram in and one out', async (datagramEvents, expected) => {
    const network = createMemoryNetwork()
    const { chat, events } = await start(network, { datagramEvents })
    const bob = peer(network)
    await bob.say('hi', chat.local)
    await chat.send('hello', bob.socket.local)
    await chat.idle()
    expect(types(events)).toEqual(expected)
    expect(bob.got).toEqual(['hello'])
  })
})

describe('createChat() without onEvent', () => {
  it('logs each error event through the logger as one line, and nothing else', async () => {
    const lines: Array<[string, string]> = []
    const logger = createConsola({
      level: 5,
      reporters: [{ log: (entry) => void lines.push([entry.type, entry.args.join(' ')]) }],
    })
    const network = createMemoryNetwork()
    const chat = closeAfterTest(
      await createChat({
        config: resolveConfig({
          host: '127.0.0.1',
          port: 0,
          plugins: [
            definePlugin({
              name: 'bad',
              inbound: () => {
                throw new Error('boom\nstack')
              },
            }),
          ],
        }),
        transport: network.transport,
        logger,
      }),
    )
    const bob = peer(network)
    await bob.say('hi', chat.local)
    await chat.idle()
    expect(lines).toEqual([['error', `plugin "bad" (inbound, 127.0.0.1:${bob.socket.local.port}): boom`]])
  })
})

describe("createChat(): the chat's own datagrams", () => {
  it('ignores what comes back from its own address, takes the same port from another host', async () => {
    const network = createMemoryNetwork()
    const { chat, events } = await start(network)
    await chat.send('to myself', chat.local)
    const other = peer(network, '10.0.0.7', chat.local.port)
    await other.say('from elsewhere', chat.local)
    await chat.idle()
    const messages = events.flatMap((e) => (e.type === 'message' ? [e.message.text] : []))
    expect(messages).toEqual(['from elsewhere'])
  })

  it('bound to the wildcard, knows itself at each local address and on the loopback', async () => {
    const network = createMemoryNetwork()
    // This machine's addresses, as the runtime lists them: the memory network's and one on a LAN.
    const transport = { ...network.transport, localHosts: () => ['10.0.0.9', ...network.transport.localHosts()] }
    const { chat, events } = await start(network, { host: '0.0.0.0', transport })
    const port = chat.local.port
    await chat.send('via loopback', { host: '127.0.0.1', port, family: 'IPv4' })
    // From our port: at 127.0.0.5 (the loopback) or 10.0.0.9 (ours) it is ours, at 10.0.0.7 it is not.
    await peer(network, '127.0.0.5', port).say('loop', chat.local)
    await peer(network, '10.0.0.9', port).say('own lan', chat.local)
    await peer(network, '10.0.0.7', port).say('lan', chat.local)
    await peer(network, '10.0.0.9').say('other port', chat.local)
    await chat.idle()
    expect(events.flatMap((e) => (e.type === 'message' ? [e.message.text] : []))).toEqual(['lan', 'other port'])
  })
})

describe('Chat.close()', () => {
  it('closes once: the same promise each time, `closed` the last event, the plugins gone, the port free', async () => {
    const network = createMemoryNetwork()
    const { chat, events } = await start(network)
    const first = chat.close()
    expect(chat.close()).toBe(first)
    await first
    expect(types(events)).toEqual(['listening', 'closed'])
    expect(chat.plugins()).toEqual([])
    expect(network.bindNow({ host: '127.0.0.1', port: chat.local.port, onDatagram() {}, onError() {} })).toBeTruthy()
  })

  it('lets what a plugin sends in dispose leave before the socket closes', async () => {
    const network = createMemoryNetwork()
    const bob = peer(network)
    const bye = definePlugin({ name: 'bye', dispose: (ctx) => ctx.send('bye', bob.socket.local) })
    const chat = await createChat({
      config: resolveConfig({ host: '127.0.0.1', port: 0, plugins: [bye] }),
      transport: network.transport,
      onEvent() {},
    })
    await chat.close()
    expect(bob.got).toEqual(['bye'])
  })

  it('waits for a reload under way, then disposes the new plugins', async () => {
    const network = createMemoryNetwork()
    const steps: string[] = []
    let release!: () => void
    const slow = new Promise<void>((resolve) => (release = resolve))
    const { chat } = await start(network)
    const next = definePlugin({
      name: 'next',
      setup: async () => {
        steps.push('setup')
        await slow
      },
      dispose: () => void steps.push('dispose'),
    })
    const reloading = chat.reload(resolveConfig({ host: '127.0.0.1', port: 0, plugins: [next] }))
    const closing = chat.close().then(() => steps.push('closed'))
    await Promise.resolve()
    release()
    await reloading
    await closing
    expect(steps).toEqual(['setup', 'dispose', 'closed'])
  })
})

describe('Chat.reload() one at a time', () => {
  it('runs reloads in turn, and a failed one does not stop the next', async () => {
    const network = createMemoryNetwork()
    const { chat } = await start(network)
    const order: string[] = []
    const plugin = (name: string, fail = false) =>
      definePlugin({
        name,
        setup: async () => {
          order.push(`${name} setup`)
          await Promise.resolve()
          if (fail) throw new Error('no')
          order.push(`${name} up`)
        },
      })
    const config = (name: string, fail?: boolean) =>
      resolveConfig({ host: '127.0.0.1', port: 0, plugins: [plugin(name, fail)] })
    const a = chat.reload(config('a'))
    const b = chat.reload(config('b', true))
    const c = chat.reload(config('c'))
    await a
    await expect(b).rejects.toMatchObject({ code: 'E_PLUGIN' })
    await c
    expect(order).toEqual(['a setup', 'a up', 'b setup', 'c setup', 'c up'])
    expect(chat.plugins().map((p) => p.name)).toEqual(['c'])
  })
})

describe('createChat with limits.lanes where no lane can be opened', () => {
  it('says so in one warning line, and the chat works without them', async () => {
    const lines: Array<[string, string]> = []
    const logger = createConsola({
      reporters: [{ log: (entry) => void lines.push([entry.type, entry.args.join(' ')]) }],
    })
    const network = createMemoryNetwork()
    const chat = closeAfterTest(
      await createChat({
        config: resolveConfig({ host: '127.0.0.1', port: 0, limits: { lanes: 32 } }),
        transport: network.transport,
        logger,
        onEvent() {},
      }),
    )
    expect(lines).toEqual([
      [
        'warn',
        `limits.lanes: no lanes on 127.0.0.1:${chat.local.port}: they need Node on Linux, a host that is one address, and no group`,
      ],
    ])
  })
})
