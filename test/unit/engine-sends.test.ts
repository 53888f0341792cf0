import { describe, expect, it } from 'vitest'
import { definePlugin, type Address, type ChatEvent, type Message, type PluginContext } from '../../core/index.ts'
import { ChatError } from '../../core/errors.ts'
import type { UdpTransport } from '../../core/runtime/types.ts'
import { createMemoryNetwork, type MemoryNetwork } from '../../core/testing.ts'
import { kit } from '../helpers/kit.ts'

// The engine's ways out, on the in-memory network: a plugin's send to a name, the limits a
// send meets (the datagram size per family, the answer budget), and what a failure reports.
type Of<T extends ChatEvent['type']> = Extract<ChatEvent, { type: T }>
const only = <T extends ChatEvent['type']>(events: ChatEvent[], type: T) =>
  events.filter((e): e is Of<T> => e.type === type)

describe('ctx.send() to a target that is a name', () => {
  it('resolves a contact name and sends to it, labelled with the contact', async () => {
    const t = await kit([definePlugin({ name: 'tell', inbound: (_m, ctx) => ctx.send('news', 'bob') })])
    const bob = t.peer('bob', { contact: true })
    const delivery = await t.peer('alice').send('hi')
    expect(bob.inbox).toEqual(['news'])
    expect(delivery.sent).toEqual([{ to: `bob (127.0.0.1:${bob.address.port})`, text: 'news', plugin: 'tell' }])
  })

  it('reports a target that does not resolve as an error of the plugin, and goes idle', async () => {
    const t = await kit([definePlugin({ name: 'tell', inbound: (_m, ctx) => ctx.send('news', 'nobody') })])
    const delivery = await t.peer('alice').send('hi')
    expect(delivery.errors).toHaveLength(1)
    expect(delivery.errors[0]).toMatchObject({ plugin: 'tell' })
    expect(delivery.errors[0]!.error.message).toMatch(/Unknown target `nobody`/)
    delivery.expectNothingSent()
  })
})

describe("the datagram size limit on a plugin's send", () => {
  const big = (size: number) => definePlugin({ name: 'big', inbound: (m, ctx) => ctx.send('x'.repeat(size), m.from) })

  it('refuses 65,508 bytes to an IPv4 peer and lets 65,507 go', async () => {
    const t = await kit({ plugins: [big(65_508)], config: { limits: { amplification: false } } })
    const drop = (await t.peer('alice').send('hi')).expectDrop('guard: 65508 bytes is over the datagram limit (65507)')
    expect(drop).toMatchObject({ plugin: 'big', direction: 'outbound' })
    const u = await kit({ plugins: [big(65_507)], config: { limits: { amplification: false } } })
    const alice = u.peer('alice')
    const delivery = await alice.send('hi')
    expect(delivery.drop).toBeUndefined()
    expect(alice.datagrams.map((d) => d.byteLength)).toEqual([65_507])
  })

  it('allows an IPv6 peer up to 65,527 bytes (no IPv4 header), and refuses one more', async () => {
    const over = await kit({ plugins: [big(65_528)], config: { host: '::1', limits: { amplification: false } } })
    const v6 = over.network.bindNow({ host: '::1', port: 0, onDatagram() {}, onError() {} })
    over.network.deliver(new TextEncoder().encode('hi'), v6.local, over.address)
    await over.settle()
    expect(only(over.events, 'drop').map((d) => d.reason)).toEqual([
      'guard: 65528 bytes is over the datagram limit (65527)',
    ])
    const under = await kit({ plugins: [big(65_527)], config: { host: '::1', limits: { amplification: false } } })
    const sizes: number[] = []
    const v6b = under.network.bindNow({
      host: '::1',
      port: 0,
      onDatagram: (d) => sizes.push(d.byteLength),
      onError() {},
    })
    under.network.deliver(new TextEncoder().encode('hi'), v6b.local, under.address)
    await under.settle()
    expect(only(under.events, 'drop')).toEqual([])
    expect(sizes).toEqual([65_527])
    await v6.close()
    await v6b.close()
  })
})

describe('the answer budget (limits.answers)', () => {
  it('drops a reply over the budget with the plugin, the address and the text, and sends the rest', async () => {
    const t = await kit({
      plugins: [definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, `echo: ${m.text}`) })],
      config: { limits: { answers: { rate: 0.001, burst: 2 } } },
    })
    const alice = t.peer('alice')
    ;(await alice.send('1')).expectReply('echo: 1')
    ;(await alice.send('2')).expectReply('echo: 2')
    const third = await alice.send('3')
    third.expectNoReply()
    expect(third.expectDrop()).toEqual({
      type: 'drop',
      plugin: 'echo',
      reason: `guard: ${alice.address.host} is over its answer budget (limits.answers)`,
      direction: 'outbound',
      peer: alice.address,
      text: 'echo: 3',
    })
  })
})

describe('a send that fails at the socket', () => {
  /** The memory network, but nobody listens at `refused`: the socket reports it as a real one would. */
  function refusing() {
    const network = createMemoryNetwork()
    let refused = -1
    const transport: UdpTransport = {
      ...network.transport,
      async bind(options) {
        const socket = await network.transport.bind(options)
        return {
          ...socket,
          send: (data, to, done) =>
            to.port === refused
              ? done(new ChatError('E_SEND', `Nobody is listening at 127.0.0.1:${to.port} (ECONNREFUSED)`))
              : socket.send(data, to, done),
        }
      },
    }
    const wrapped: MemoryNetwork = Object.create(network, { transport: { value: transport } })
    return { network: wrapped, refuse: (port: number) => (refused = port) }
  }

  it("reports a plugin's failed send as an error with the plugin and the peer, and no sent event", async () => {
    const { network, refuse } = refusing()
    const t = await kit({ network, plugins: [definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, 'hi') })] })
    const alice = t.peer('alice')
    refuse(alice.address.port)
    const delivery = await alice.send('x')
    expect(delivery.errors.map((e) => [e.plugin, e.peer, e.error.message])).toEqual([
      ['echo', alice.address, `Nobody is listening at 127.0.0.1:${alice.address.port} (ECONNREFUSED)`],
    ])
    expect(delivery.sent).toEqual([])
  })

  it("rejects the chat's own send instead of reporting an error event", async () => {
    const { network, refuse } = refusing()
    const t = await kit({ network })
    const alice = t.peer('alice')
    refuse(alice.address.port)
    await expect(t.chat.send('hi', alice.address)).rejects.toThrow('Nobody is listening at')
    await t.settle()
    expect(only(t.events, 'error')).toEqual([])
    expect(only(t.events, 'sent')).toEqual([])
  })

  it("rejects the chat's own send over the datagram limit, with no drop or error event", async () => {
    const t = await kit([])
    const alice = t.peer('alice')
    await expect(t.chat.send('x'.repeat(65_508), alice.address)).rejects.toThrow(
      `Not sent to 127.0.0.1:${alice.address.port}: 65508 bytes is more than one UDP datagram can carry (65507)`,
    )
    await t.settle()
    expect(t.events.filter((e) => e.type !== 'listening')).toEqual([])
    expect(alice.inbox).toEqual([])
  })
})

describe('sends once the chat has closed', () => {
  it('rejects a send after close: the chat is not running', async () => {
    const t = await kit([])
    const bob = t.peer('bob')
    await t.close()
    await expect(t.chat.send('late', bob.address)).rejects.toThrow('The chat is not running')
    expect(bob.inbox).toEqual([])
  })
})

describe('the amplification limit on a reply', () => {
  it('drops a reply over 3x what the sender sent plus the allowance, saying why, and lets a contact have it', async () => {
    const loud = definePlugin({ name: 'loud', inbound: (m, ctx) => ctx.reply(m, m.text.repeat(40)) })
    const t = await kit({ plugins: [loud], config: { limits: { allowance: 0, answers: false } } })
    const alice = t.peer('alice')
    const first = await alice.send('ab')
    first.expectNoReply()
    expect(first.expectDrop()).toEqual({
      type: 'drop',
      plugin: 'loud',
      reason:
        'guard: 127.0.0.1 has not proved it receives what we send; it was already sent 3x what it sent (limits.amplification)',
      direction: 'outbound',
      peer: alice.address,
      text: 'ab'.repeat(40),
    })
    const bob = t.peer('bob', { contact: true })
    ;(await bob.send('ab')).expectReply('ab'.repeat(40))
  })

  it("does not hold the chat's own sends to it: they are what the user typed", async () => {
    const t = await kit({ config: { limits: { allowance: 0 } } })
    const alice = t.peer('alice')
    await t.send('x'.repeat(1000), alice)
    expect(alice.inbox).toEqual(['x'.repeat(1000)])
  })
})

describe('Chat.send() with bytes', () => {
  it('sends them as given and reports them as hex text with their size', async () => {
    const t = await kit([definePlugin({ name: 'shout', outbound: (m) => ({ ...m, text: m.text.toUpperCase() }) })])
    const alice = t.peer('alice')
    await t.chat.send(new Uint8Array([0x68, 0x69, 0x0a]), alice.address)
    await t.settle()
    expect(alice.inbox).toEqual(['hi\n'])
    expect(only(t.events, 'sent')).toEqual([
      { type: 'sent', to: alice.address, peer: undefined, text: 'hex:68 69 0a', bytes: 3, plugin: undefined },
    ])
  })
})

describe("what the amplification limit holds a plugin's send to", () => {
  const big = 'x'.repeat(2000)
  const limits = { allowance: 0, answers: false } as const

  it('an address it got from the network: held', async () => {
    const t = await kit({
      plugins: [definePlugin({ name: 'p', inbound: (m, ctx) => ctx.send(big, m.from) })],
      config: { limits },
    })
    ;(await t.peer('alice').send('hi')).expectDrop(/has not proved it receives/)
  })

  it('a target it names as HOST:PORT: not held (the plugin chose it, the network did not)', async () => {
    const t = await kit({ plugins: [], config: { limits } })
    const bob = t.peer('bob')
    await t.reload([definePlugin({ name: 'p', inbound: (_m, ctx) => ctx.send(big, `127.0.0.1:${bob.address.port}`) })])
    const delivery = await t.peer('alice').send('hi')
    expect(delivery.drop).toBeUndefined()
    expect(bob.inbox).toEqual([big])
  })

  // A room's fan-out: a member that only sent a heartbeat still gets every line (README, The limits).
  it.each([
    ['without outbound hooks (each copy skips the chain)', []],
    ['through an outbound hook', [definePlugin({ name: 'pass', outbound: (m) => m })]],
  ])('copies of a broadcast to addresses from the network: not held, %s', async (_, more) => {
    const t = await kit({ plugins: [], config: { limits } })
    const alice = t.peer('alice')
    const bob = t.peer('bob')
    const fan = definePlugin({ name: 'fan', inbound: (m, ctx) => ctx.broadcast(big, [m.from, bob.address]) })
    await t.reload([fan, ...more])
    const delivery = await alice.send('hi')
    expect(delivery.drop).toBeUndefined()
    expect([alice.inbox, bob.inbox]).toEqual([[big], [big]])
  })

  it("reports a plugin's send after the chat closed as an error event of the plugin", async () => {
    let keep: ((text: string) => void) | undefined
    const t = await kit([
      definePlugin({ name: 'p', setup: (ctx) => void (keep = (text) => ctx.send(text, '127.0.0.1:9')) }),
    ])
    await t.close()
    keep!('late')
    await new Promise<void>((resolve) => setImmediate(resolve))
    const errors = only(t.events, 'error')
    expect(errors.map((e) => [e.plugin, e.error.message, (e.error as Error & { code?: string }).code])).toEqual([
      ['p', 'The chat is not running', 'E_SEND'],
    ])
  })
})

describe('chat.send() with something that is neither text nor bytes', () => {
  it('rejects with one line saying what it got, and sends nothing', async () => {
    const t = await kit([])
    const bob = t.peer('bob')
    const wide = new Uint16Array([104, 105]) as unknown as Uint8Array
    await expect(t.chat.send(wide, bob.address)).rejects.toThrow(
      new ChatError('E_SEND', 'Cannot send an object (Uint16Array): a string or a Uint8Array is sent'),
    )
    await expect(t.chat.send(42 as unknown as string, bob.address)).rejects.toThrow('Cannot send `42` (number)')
    await t.chat.idle()
    expect(bob.inbox).toEqual([])
  })
})

describe("a plugin's ctx.reply(), ctx.send() and ctx.broadcast() with arguments of the wrong kind", () => {
  // Each used to throw a TypeError inside the engine (the text's encoding, the address's family),
  // some after the send was counted in flight, so that the chat never went idle.
  const calls = (ctx: PluginContext, m: Message, bob: Address) => {
    ctx.reply(m, 42 as never)
    ctx.reply(undefined as never, 'x')
    ctx.reply({ text: 'x' } as never, 'x')
    ctx.send(42 as never, bob)
    ctx.send('x', 42 as never)
    ctx.send('x', {} as never)
    ctx.send('x', undefined as never)
    ctx.broadcast(42 as never, [bob])
    ctx.broadcast('x', 42 as never)
    ctx.broadcast('x', undefined as never)
    ctx.broadcast('ok', [bob, {} as never, null as never])
  }
  const expected = [
    'ctx.reply(message, text): expected `text` to be a string, got `42` (number)',
    'ctx.reply(message, text): expected `message` to be a message received (with its `from` address), got nothing',
    'ctx.reply(message, text): expected `message` to be a message received (with its `from` address), got an object',
    'ctx.send(text, to): expected `text` to be a string, got `42` (number)',
    'ctx.send(text, to): expected `to` to be a contact name, HOST:PORT or an address ({ host, port }), got `42` (number)',
    'ctx.send(text, to): expected `to` to be a contact name, HOST:PORT or an address ({ host, port }), got an object',
    'ctx.send(text, to): expected `to` to be a contact name, HOST:PORT or an address ({ host, port }), got nothing',
    'ctx.broadcast(text, to): expected `text` to be a string, got `42` (number)',
    'ctx.broadcast(text, to): expected `to` to be addresses (an array or another iterable), got `42` (number)',
    'ctx.broadcast(text, to): expected `to` to be addresses (an array or another iterable), got nothing',
    'ctx.broadcast(text, to): expected each of `to` to be an address ({ host, port }), got an object',
    'ctx.broadcast(text, to): expected each of `to` to be an address ({ host, port }), got `null`',
  ]

  for (const outbound of [false, true]) {
    it(`reports each as one error of the plugin, sends only the good copy, and goes idle${outbound ? ' (with an outbound hook)' : ''}`, async () => {
      let bob!: Address
      const t = await kit([
        definePlugin({ name: 'bad', inbound: (m, ctx) => calls(ctx, m, bob) }),
        outbound && definePlugin({ name: 'look', outbound: () => undefined }),
      ])
      bob = t.peer('bob').address
      const delivery = await t.peer('alice').send('hi')
      expect(delivery.errors.map((e) => [e.plugin, e.hook, (e.error as ChatError).code, e.error.message])).toEqual(
        expected.map((message) => ['bad', undefined, 'E_PLUGIN', message]),
      )
      expect(delivery.sent).toEqual([{ to: `127.0.0.1:${bob.port}`, text: 'ok', plugin: 'bad' }])
      await t.chat.idle()
    })
  }
})

describe('chat.send() to a target that is neither a name nor an address', () => {
  it('rejects with E_TARGET saying what it got, and leaves nothing in flight', async () => {
    const t = await kit([])
    for (const [to, got] of [
      [{}, 'an object'],
      [42, '`42` (number)'],
      [undefined, 'nothing'],
    ] as const) {
      await expect(t.chat.send('x', to as never)).rejects.toThrow(
        new ChatError('E_TARGET', `Expected a contact name, HOST:PORT or an address ({ host, port }), got ${got}`),
      )
    }
    await t.chat.idle()
  })
})

describe("a plugin's ctx.report() and ctx.markProven() with arguments of the wrong kind", () => {
  it('reports each as one error of the plugin and goes on; before, markProven threw a TypeError at the plugin', async () => {
    const t = await kit([
      definePlugin({
        name: 'bad',
        inbound: (m, ctx) => {
          ctx.report('up' as never)
          ctx.report(null as never)
          ctx.report([1, 2] as never)
          ctx.markProven(undefined as never)
          ctx.markProven('127.0.0.1' as never)
          ctx.report({ state: 'up' })
          ctx.markProven(m.from)
          ctx.reply(m, 'ok')
        },
      }),
    ])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectReply('ok')
    expect(delivery.errors.map((e) => [e.plugin, e.hook, e.error.message])).toEqual([
      [
        'bad',
        undefined,
        'ctx.report(status): expected `status` to be an object (state or counters), got `"up"` (string)',
      ],
      ['bad', undefined, 'ctx.report(status): expected `status` to be an object (state or counters), got `null`'],
      [
        'bad',
        undefined,
        'ctx.report(status): expected `status` to be an object (state or counters), got an array of 2',
      ],
      ['bad', undefined, 'ctx.markProven(address): expected `address` to be an address ({ host, port }), got nothing'],
      [
        'bad',
        undefined,
        'ctx.markProven(address): expected `address` to be an address ({ host, port }), got `"127.0.0.1"` (string)',
      ],
    ])
    expect(only(t.events, 'status')).toEqual([{ type: 'status', plugin: 'bad', status: { state: 'up' } }])
  })
})
