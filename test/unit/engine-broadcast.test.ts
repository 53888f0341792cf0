import { describe, expect, it } from 'vitest'
import { definePlugin, type Address, type ChatEvent } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'

// ctx.broadcast() without outbound hooks: each copy skips the chain, and copies that encode
// alike are wrapped once. What each recipient gets, and how often the wrap hook runs.
type Drop = Extract<ChatEvent, { type: 'drop' }>
const decoder = new TextDecoder()

async function room(plugins: Parameters<typeof definePlugin>[0][], names = ['bob', 'carol', 'dave']) {
  const t = await kit([])
  const peers = names.map((name) => t.peer(name))
  const targets: Address[] = peers.map((p) => p.address)
  const fan = definePlugin({ name: 'fan', inbound: (m, ctx) => ctx.broadcast(`all: ${m.text}`, targets) })
  await t.reload([fan, ...plugins.map((p) => definePlugin(p))])
  return { t, peers }
}

describe('ctx.broadcast() with a wrap hook', () => {
  it('wraps copies that encode alike once, and every recipient gets the wrapped bytes', async () => {
    const wrapped: string[] = []
    const { t, peers } = await room([
      {
        name: 'sign',
        wrap: (bytes) => (wrapped.push(decoder.decode(bytes)), new Uint8Array([...bytes, 0x21])),
      },
    ])
    const delivery = await t.peer('alice').send('hi')
    expect(peers.map((p) => p.inbox)).toEqual([['all: hi!'], ['all: hi!'], ['all: hi!']])
    expect(wrapped).toEqual(['all: hi'])
    expect(delivery.sent.map((s) => [s.text, s.plugin])).toEqual([
      ['all: hi', 'fan'],
      ['all: hi', 'fan'],
      ['all: hi', 'fan'],
    ])
  })

  it('wraps again when an encoder makes a copy different from the one before', async () => {
    const wrapped: string[] = []
    const { t, peers } = await room([
      {
        name: 'per-peer',
        encode: (text, _ctx, to) => new TextEncoder().encode(`${text}@${to.port % 2}`),
      },
      { name: 'sign', wrap: (bytes) => (wrapped.push(decoder.decode(bytes)), bytes) },
    ])
    await t.peer('alice').send('hi')
    const expected = peers.map((p) => `all: hi@${p.address.port % 2}`)
    expect(peers.map((p) => p.inbox[0])).toEqual(expected)
    // One wrap per run of equal bytes: ports alternate, so each copy differs from the one before.
    const runs = expected.filter((text, i) => i === 0 || text !== expected[i - 1])
    expect(wrapped).toEqual(runs)
  })

  it('drops each copy a fail-closed wrap hook fails on, reported to its recipient, and sends none', async () => {
    let calls = 0
    const failing = () => {
      calls++
      throw new Error('no key')
    }
    const { t, peers } = await room([{ name: 'gate', onError: 'drop', wrap: failing }])
    const delivery = await t.peer('alice').send('hi')
    expect(peers.map((p) => p.inbox)).toEqual([[], [], []])
    const drops = delivery.events.filter((e): e is Drop => e.type === 'drop')
    expect(drops).toEqual(
      peers.map((p) => ({
        type: 'drop',
        plugin: 'gate',
        reason: 'its wrap hook failed (the plugin fails closed)',
        direction: 'outbound',
        peer: p.address,
        text: 'all: hi',
      })),
    )
    expect(calls).toBe(3)
  })

  it('wraps the copy after a dropped one afresh: a drop is not remembered as the wrapped bytes', async () => {
    let calls = 0
    const wrap = (bytes: Uint8Array) => {
      if (++calls === 1) throw new Error('first one')
      return new Uint8Array([...bytes, 0x2a])
    }
    const { t, peers } = await room([{ name: 'gate', onError: 'drop', wrap }])
    await t.peer('alice').send('hi')
    expect(peers.map((p) => p.inbox)).toEqual([[], ['all: hi*'], ['all: hi*']])
    expect(calls).toBe(2)
  })

  it('encodes with a plugin encoder for every copy when there is no wrap hook', async () => {
    const { t, peers } = await room([{ name: 'shout', encode: (text) => new TextEncoder().encode(text.toUpperCase()) }])
    await t.peer('alice').send('hi')
    expect(peers.map((p) => p.inbox)).toEqual([['ALL: HI'], ['ALL: HI'], ['ALL: HI']])
  })
})

describe('ctx.broadcast() while tracing', () => {
  it('takes every copy the full way out, so each has its trace', async () => {
    const t = await kit({ plugins: [], trace: true })
    const peers = ['bob', 'carol'].map((name) => t.peer(name))
    const targets = peers.map((p) => p.address)
    await t.reload([definePlugin({ name: 'fan', inbound: (m, ctx) => ctx.broadcast(`all: ${m.text}`, targets) })])
    const delivery = await t.peer('alice').send('hi')
    expect(peers.map((p) => p.inbox)).toEqual([['all: hi'], ['all: hi']])
    const out = delivery.traces.filter((x) => x.direction === 'outbound')
    expect(out.map((x) => [x.peer, x.text, x.outcome])).toEqual(targets.map((to) => [to, 'all: hi', 'sent']))
    const inbound = delivery.traces.find((x) => x.direction === 'inbound')!
    expect(inbound.steps.map((s) => `${s.plugin} ${s.did}`)).toEqual(['fan replied'])
  })
})
