import * as v from 'valibot'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { definePlugin, drop, type Address } from '../../core/index.ts'
import { createMemoryNetwork, createTestChat, type Delivery, type TestChat, type TestPeer } from '../../core/testing.ts'
import { kit } from '../helpers/kit.ts'

const echo = definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, `echo: ${m.text}`) })

describe('createTestChat()', () => {
  it('peer.send() resolves with the reply once every hook is done', async () => {
    const t = await kit([echo])
    const alice = t.peer('alice')
    const delivery = await alice.send('hi')
    expect(delivery.expectReply('echo: hi')).toBe('echo: hi')
    expect(delivery.expectDelivered('hi').from).toEqual(alice.address)
    expect(alice.inbox).toEqual(['echo: hi'])
    expect(t.messages.map((m) => m.text)).toEqual(['hi'])
  })

  it('waits for async hooks and for replies that go through async outbound hooks', async () => {
    const t = await kit([
      definePlugin({
        name: 'slow',
        inbound: async (m, ctx) => {
          await Promise.resolve()
          ctx.reply(m, m.text.toUpperCase())
        },
      }),
      definePlugin({ name: 'sign', outbound: async (m) => ({ ...m, text: `${m.text} --bot` }) }),
    ])
    ;(await t.peer().send('hey')).expectReply('HEY --bot')
  })

  it('expectDrop() reports the plugin and reason; expectNoReply() passes when nothing came back', async () => {
    const t = await kit([
      definePlugin({ name: 'filter', inbound: (m) => (m.text.includes('spam') ? drop('spam') : undefined) }),
      echo,
    ])
    const bob = t.peer('bob')
    const dropped = await bob.send('cheap spam')
    expect(dropped.expectDrop('spam').plugin).toBe('filter')
    dropped.expectNoReply()
    expect(dropped.message).toBeUndefined()
  })

  it('explains a failed expectation with what did happen', async () => {
    const t = await kit([
      definePlugin({
        name: 'broken',
        inbound: () => {
          throw new Error('boom')
        },
      }),
      echo,
    ])
    const delivery = await t.peer().send('x')
    expect(() => delivery.expectReply('nope')).toThrow(
      /expected peer1 to get one reply "nope"; got\n {2}replies: "echo: x"[\s\S]*plugin "broken" \(inbound, 127.0.0.1:\d+\): boom/,
    )
    expect(() => delivery.expectDrop()).toThrow(/expected the message to be dropped/)
  })

  it('expectReply() fails on a duplicate or an extra reply unless the test says how many', async () => {
    const twice = definePlugin({ name: 'twice', inbound: (m, ctx) => (ctx.reply(m, 'ok'), ctx.reply(m, 'ok')) })
    const t = await kit([twice])
    const delivery = await t.peer().send('x')
    expect(() => delivery.expectReply('ok')).toThrow(
      /expected peer1 to get one reply "ok"; got\n {2}replies: "ok", "ok"/,
    )
    expect(() => delivery.expectReply()).toThrow(/to get one reply; got/)
    expect(() => delivery.expectReply('ok', { count: 3 })).toThrow(/to get 3 replies "ok"/)
    expect(delivery.expectReply('ok', { count: 2 })).toBe('ok')
    expect(delivery.expectReplies(['ok', /^o/])).toEqual(['ok', 'ok'])
    expect(() => delivery.expectReplies(['ok'])).toThrow(/to get the replies "ok"; got/)
    expect(() => delivery.expectNothingSent()).toThrow(/expected the chat to send nothing/)
  })

  it('expectReply() with a count fails when one reply does not match; expectReplies() checks the order', async () => {
    const two = definePlugin({ name: 'two', inbound: (m, ctx) => (ctx.reply(m, 'a'), ctx.reply(m, 'b')) })
    const delivery = await (await kit([two])).peer().send('x')
    expect(() => delivery.expectReply('a', { count: 2 })).toThrow(/to get 2 replies "a"/)
    expect(() => delivery.expectReplies(['b', 'a'])).toThrow(/to get the replies "b", "a"/)
    expect(delivery.expectReplies(['a', 'b'])).toEqual(['a', 'b'])
  })

  it('expectNothingSent() fails on a send to someone else; expectNoReply() only looks at the peer', async () => {
    const t = await kit([definePlugin({ name: 'tell', inbound: (m, ctx) => ctx.send(`saw ${m.text}`, bob.address) })])
    const bob = t.peer('bob')
    const delivery = await t.peer('alice').send('x')
    delivery.expectNoReply()
    expect(() => delivery.expectNothingSent()).toThrow(
      /expected the chat to send nothing; got[\s\S]*sent to 127.0.0.1:\d+: "saw x"/,
    )
    expect(bob.take()).toEqual(['saw x'])
  })

  it('expectNothingSent() passes when no hook sent anything', async () => {
    const delivery = await (await kit([])).peer().send('x')
    delivery.expectNothingSent()
    delivery.expectDelivered('x')
  })

  it('works with fake timers: interval sends show up after the clock advances', async () => {
    vi.useFakeTimers()
    const t = await kit([
      definePlugin({ name: 'beat', setup: (ctx) => void ctx.setInterval(() => ctx.send('^hb^', 'relay'), 1000) }),
    ])
    const relay = t.peer('relay', { contact: true })
    await vi.advanceTimersByTimeAsync(3000)
    await t.settle()
    expect(relay.take()).toEqual(['^hb^', '^hb^', '^hb^'])
    await t.close()
    await vi.advanceTimersByTimeAsync(5000)
    expect(relay.inbox).toEqual([])
  })

  it('a hook that hangs is given up after hookTimeout, on the fake clock', async () => {
    vi.useFakeTimers()
    const t = await kit({
      plugins: [definePlugin({ name: 'stuck', inbound: () => new Promise<void>(() => {}) })],
      hookTimeout: 100,
    })
    const sending = t.peer().send('hi')
    await vi.advanceTimersByTimeAsync(100)
    const delivery = await sending
    expect(delivery.errors.map((e) => e.error.message)).toEqual(['its inbound hook did not finish within 100 ms'])
    delivery.expectDelivered('hi')
  })

  it('t.send() sends as the chat; logs are captured per delivery', async () => {
    const t = await kit([definePlugin({ name: 'tell', outbound: (m, ctx) => void ctx.logger.info(`to ${m.to.port}`) })])
    const carol = t.peer('carol')
    const delivery = await t.send('hello', carol)
    expect(carol.inbox).toEqual(['hello'])
    expect(delivery.replies).toEqual(['hello'])
    expect(delivery.logs).toEqual([{ level: 'info', tag: 'tell', text: `to ${carol.address.port}` }])
  })

  it('two chats on one network talk to each other', async () => {
    const network = createMemoryNetwork()
    const server = await kit({ network, plugins: [echo] })
    const client = await kit({ network, config: { peers: { server: `127.0.0.1:${server.address.port}` } } })
    await client.send('ping', 'server')
    expect(client.messages.map((m) => [m.text, m.meta.peer])).toEqual([['echo: ping', 'server']])
  })
})

describe('plugin API types', () => {
  it('gives ctx.options the schema output type, and decode/encode the peer address', () => {
    const plugin = definePlugin({
      name: 'typed',
      schema: v.object({ n: v.optional(v.number(), 1) }),
      options: {},
      inbound(_m, ctx) {
        expectTypeOf(ctx.options).toEqualTypeOf<{ n: number }>()
        expectTypeOf(ctx.reloading).toEqualTypeOf<boolean>()
        expectTypeOf(ctx.store).toEqualTypeOf<Map<string, unknown>>()
      },
      decode(_bytes, _ctx, from) {
        expectTypeOf(from).toEqualTypeOf<Address>()
        return undefined
      },
    })
    expectTypeOf(plugin.name).toBeString()
  })

  it('types what the kit gives back', () => {
    expectTypeOf<TestPeer['send']>().returns.resolves.toEqualTypeOf<Delivery>()
    expectTypeOf<Delivery['expectReply']>().returns.toBeString()
    expectTypeOf<Delivery['expectDrop']>().returns.toMatchTypeOf<{ plugin: string; reason: string }>()
    expectTypeOf<TestChat['reload']>().returns.resolves.toMatchTypeOf<{ added: string[]; swapMs: number }>()
  })
})
