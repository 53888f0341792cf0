import { describe, expect, it } from 'vitest'
import { definePlugin, drop, type ChatEvent } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'

// Drops and failures, sync and async, both ways: what reaches the peer and what is reported.
type Drop = Extract<ChatEvent, { type: 'drop' }>
const echo = definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, `echo: ${m.text}`) })
const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 5))

describe('a message dropped on the way in', () => {
  it.each([
    ['sync', () => drop('spam')],
    ['async', () => later(drop('spam'))],
  ])('a %s drop stops it before the next plugin, reported as inbound from the sender', async (_, hook) => {
    const t = await kit([definePlugin({ name: 'filter', inbound: hook }), echo])
    const alice = t.peer('alice')
    const delivery = await alice.send('buy now')
    expect(delivery.expectDrop('spam')).toMatchObject({
      plugin: 'filter',
      direction: 'inbound',
      peer: alice.address,
      text: 'buy now',
    })
    delivery.expectNothingSent()
    expect(delivery.message).toBeUndefined()
    expect(t.messages).toEqual([])
  })
})

describe('a message dropped on the way out', () => {
  it.each([
    ['sync', () => drop('not to strangers')],
    ['async', () => later(drop('not to strangers'))],
  ])('a %s outbound drop keeps a reply from leaving, reported as outbound to the peer', async (_, hook) => {
    const t = await kit([echo, definePlugin({ name: 'gate', outbound: hook })])
    const alice = t.peer('alice')
    const delivery = await alice.send('hi')
    delivery.expectDelivered('hi')
    delivery.expectNothingSent()
    expect(delivery.expectDrop('not to strangers')).toMatchObject({
      plugin: 'gate',
      direction: 'outbound',
      peer: alice.address,
      text: 'echo: hi',
    })
  })

  it("rejects the chat's own send with the plugin and the reason, and sends nothing", async () => {
    const t = await kit([
      definePlugin({ name: 'gate', outbound: async (m) => (m.text.includes('secret') ? drop('no secrets') : m) }),
    ])
    const bob = t.peer('bob')
    await expect(t.send('the secret is 42', bob)).rejects.toMatchObject({
      code: 'E_SEND',
      message: expect.stringMatching(/^Not sent to 127\.0\.0\.1:\d+: gate dropped it \(no secrets\)$/),
    })
    await t.settle()
    expect(bob.inbox).toEqual([])
    const drops = t.events.filter((e): e is Drop => e.type === 'drop')
    expect(drops).toMatchObject([
      { plugin: 'gate', direction: 'outbound', peer: bob.address, text: 'the secret is 42' },
    ])
    ;(await t.send('hello', bob)).expectReply('hello')
  })
})

describe('a hook that fails', () => {
  const failing = (how: 'sync' | 'async', onError?: 'drop') =>
    definePlugin({
      name: 'auth',
      onError,
      inbound:
        how === 'sync'
          ? () => {
              throw new Error('no key')
            }
          : () =>
              later(undefined).then(() => {
                throw new Error('no key')
              }),
    })

  it.each(['sync', 'async'] as const)(
    '%s, with the default policy: the error is reported and the message goes on',
    async (how) => {
      const t = await kit([failing(how), echo])
      const delivery = await t.peer('alice').send('hi')
      delivery.expectReply('echo: hi')
      expect(delivery.errors).toMatchObject([{ plugin: 'auth', hook: 'inbound', error: { message: 'no key' } }])
    },
  )

  it.each(['sync', 'async'] as const)("%s, with onError: 'drop': the message is dropped (fail closed)", async (how) => {
    const t = await kit([failing(how, 'drop'), echo])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectNothingSent()
    expect(delivery.expectDrop(/fails closed/)).toMatchObject({ plugin: 'auth', direction: 'inbound' })
    expect(delivery.errors).toMatchObject([{ plugin: 'auth', hook: 'inbound' }])
  })

  it("with onError: 'drop', one that never finishes drops the message after hookTimeout", async () => {
    const stuck = definePlugin({ name: 'auth', onError: 'drop', inbound: () => new Promise<void>(() => {}) })
    const t = await kit({ plugins: [stuck, echo], hookTimeout: 50 })
    const delivery = await t.peer('alice').send('hi')
    delivery.expectNothingSent()
    delivery.expectDrop(/fails closed/)
    expect(delivery.errors[0]?.error.message).toBe('its inbound hook did not finish within 50 ms')
  })

  it("an outbound hook with onError: 'drop' that fails keeps the reply from leaving", async () => {
    const broken = definePlugin({
      name: 'sign',
      onError: 'drop',
      outbound: async () => {
        throw new Error('no key')
      },
    })
    const t = await kit([echo, broken])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectNothingSent()
    expect(delivery.expectDrop(/fails closed/)).toMatchObject({ plugin: 'sign', direction: 'outbound' })
  })
})
