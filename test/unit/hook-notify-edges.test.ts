import { describe, expect, it } from 'vitest'
import { definePlugin, type ChatEvent } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'

// The `sent` hook's failures (notify strategy), the room async hooks take while they wait, and
// ctx.reloading outside a reload.
const errorTexts = (events: ChatEvent[]) => events.flatMap((e) => (e.type === 'error' ? [e.error.message] : []))
const echo = definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, m.text) })

describe('the sent hook, failing', () => {
  it('reports nothing for a hook that returns nothing', async () => {
    const t = await kit([echo, definePlugin({ name: 'tell', sent: () => undefined })])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectReply('hi')
    expect(delivery.errors).toEqual([])
  })

  it('reports an async one that rejects, and one that throws, without stopping anything', async () => {
    let n = 0
    const t = await kit([
      echo,
      definePlugin({
        name: 'tell',
        sent: () => {
          if (++n === 1) return Promise.reject(new Error('disk full'))
          throw new Error('no disk')
        },
      }),
    ])
    const alice = t.peer('alice')
    ;(await alice.send('a')).expectReply('a')
    await t.settle()
    ;(await alice.send('b')).expectReply('b')
    expect(errorTexts(t.events)).toEqual(['disk full', 'no disk'])
  })

  // Before, only a sync success reset the count: an async hook that failed every other time was switched off.
  it.each([
    ['an async', true],
    ['a sync', false],
  ])('counts %s success between failures as a fresh start', async (_, async) => {
    let n = 0
    const odd = () => {
      if (++n % 2) throw new Error('odd')
    }
    const sent = async ? async () => odd() : odd
    const t = await kit({ plugins: [echo, definePlugin({ name: 'tell', sent })], maxFailures: 2 })
    const alice = t.peer('alice')
    for (let i = 0; i < 6; i++) await alice.send('x')
    expect(n).toBe(6)
    // Three failures, none two in a row: never switched off.
    expect(errorTexts(t.events)).toEqual(['odd', 'odd', 'odd'])
  })

  it('takes a rejection that lands after the chat closed without a crash', async () => {
    let reject!: (error: Error) => void
    const t = await kit({
      plugins: [echo, definePlugin({ name: 'tell', sent: () => new Promise<void>((_, no) => (reject = no)) })],
      maxFailures: 1,
    })
    await t.peer('alice').send('x')
    await t.close()
    reject(new Error('too late'))
    await new Promise<void>((resolve) => setImmediate(resolve))
    expect(errorTexts(t.events)).toContain('too late')
  })
})

describe('messages waiting in async hooks', () => {
  it('give their room back when the hook answers: 120 datagrams of 60 kB one after another all get through', async () => {
    const t = await kit({
      plugins: [definePlugin({ name: 'slow', inbound: async () => undefined })],
      config: { limits: { perSource: false } },
    })
    const alice = t.peer('alice')
    const big = new Uint8Array(60_000).fill(0x61)
    for (let i = 0; i < 120; i++) await alice.send(big)
    expect(t.messages).toHaveLength(120)
    expect(t.events.filter((e) => e.type === 'guard')).toEqual([])
  })
})

describe('ctx.reloading', () => {
  it('is false while a plugin runs, and in a dispose that is not part of a reload', async () => {
    const seen: boolean[] = []
    const t = await kit([
      definePlugin({
        name: 'p',
        setup: (ctx) => void seen.push(ctx.reloading),
        inbound: (_m, ctx) => void seen.push(ctx.reloading),
        dispose: (ctx) => void seen.push(ctx.reloading),
      }),
    ])
    await t.peer('alice').send('x')
    await t.close()
    expect(seen).toEqual([false, false, false])
  })
})
