import { describe, expect, it, vi } from 'vitest'
import { definePlugin, type ChatEvent } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'

// Failures in a row and switch-offs at the edges: wire hooks, a hook answering null, a failure
// that lands after a reload, a cool-down that ends after the chat closed.
const offErrors = (events: ChatEvent[]) =>
  events.flatMap((e) => (e.type === 'error' && /in a row/.test(e.error.message) ? [e] : []))

/** A plugin named `bad` whose inbound hook always throws. */
const throwing = () =>
  definePlugin({
    name: 'bad',
    inbound: () => {
      throw new Error('x')
    },
  })

describe('failures in a row', () => {
  it('counts an unwrap hook that works between failures as a fresh start', async () => {
    let n = 0
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'frame',
          unwrap: (b) => {
            if (++n % 2) throw new Error('odd')
            return b
          },
        }),
      ],
      maxFailures: 2,
    })
    const alice = t.peer('alice')
    for (let i = 0; i < 6; i++) await alice.send('x')
    expect(n).toBe(6)
    expect(offErrors(t.events)).toEqual([])
  })

  it('switches a hook off with a plugin error (E_PLUGIN) that says so', async () => {
    const t = await kit({ plugins: [throwing()], maxFailures: 1 })
    await t.peer('alice').send('x')
    expect(offErrors(t.events).map((e) => [e.plugin, e.hook, (e.error as Error & { code?: string }).code])).toEqual([
      ['bad', 'inbound', 'E_PLUGIN'],
    ])
  })

  it('reports an async hook that outlasts the timeout as a plugin error (E_PLUGIN)', async () => {
    vi.useFakeTimers()
    const t = await kit({
      plugins: [definePlugin({ name: 'stuck', inbound: () => new Promise<void>(() => {}) })],
      hookTimeout: 50,
    })
    const sending = t.peer('alice').send('x')
    await vi.advanceTimersByTimeAsync(50)
    const delivery = await sending
    expect(delivery.errors.map((e) => (e.error as Error & { code?: string }).code)).toEqual(['E_PLUGIN'])
  })
})

describe('a hook that answers null', () => {
  it('leaves the message as it was, like undefined', async () => {
    const t = await kit([
      definePlugin({ name: 'nothing', inbound: () => null as never }),
      definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, `echo: ${m.text}`) }),
    ])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectReply('echo: hi')
    expect(delivery.errors).toEqual([])
  })
})

describe('switch-offs and reloads', () => {
  it('does not switch off a hook of plugins a reload has replaced, when its last failure lands after the reload', async () => {
    let fail!: () => void
    const failed = new Promise<void>((resolve) => (fail = resolve))
    const slow = definePlugin({
      name: 'slow',
      inbound: async () => {
        await failed
        throw new Error('late')
      },
    })
    const t = await kit({ plugins: [slow], maxFailures: 1 })
    const sending = t.peer('alice').send('x')
    await t.reload([definePlugin({ name: 'other', inbound: () => undefined })])
    fail()
    await sending
    const errors = t.events.filter((e) => e.type === 'error')
    expect(errors.map((e) => e.type === 'error' && e.error.message)).toEqual(['late'])
  })

  it("keeps the other plugins' hooks as they are when a fail-closed hook is switched off", async () => {
    const t = await kit({
      plugins: [
        definePlugin({ name: 'tag', inbound: (m) => ({ ...m, text: `[${m.text}]` }) }),
        definePlugin({
          name: 'auth',
          onError: 'drop',
          inbound: () => {
            throw new Error('no key')
          },
        }),
      ],
      maxFailures: 1,
    })
    const alice = t.peer('alice')
    await alice.send('a')
    const after = await alice.send('b')
    expect(after.expectDrop()).toMatchObject({ plugin: 'auth', text: '[b]' })
  })

  it('does nothing when a cool-down ends after the chat has closed', async () => {
    vi.useFakeTimers()
    const t = await kit({ plugins: [throwing()], maxFailures: 1 })
    await t.peer('alice').send('x')
    await t.close()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(t.logs.filter((l) => /back on/.test(l.text))).toEqual([])
  })
})
