import { describe, expect, it, vi } from 'vitest'
import { describeReload } from '../../core/reload-report.ts'
import { definePlugin, isChatError, type Plugin } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'
import { counter } from '../helpers/plugins.ts'

const say = (name: string, prefix: string, options: unknown = { prefix }) =>
  definePlugin({ name, options, inbound: (m, ctx) => ctx.reply(m, `${prefix}${m.text}`) })

/** A plugin that records its lifecycle in `steps`. */
const traced = (steps: string[], name: string, tag: string) =>
  definePlugin({
    name,
    setup: () => void steps.push(`setup ${name} ${tag}`),
    dispose: (ctx) => void steps.push(`dispose ${name} ${tag}${ctx.reloading ? ' (reloading)' : ''}`),
  })

describe('chat.reload()', () => {
  it('swaps the plugins and reports what changed', async () => {
    const t = await kit([say('echo', 'echo: '), say('keep', '', 1), say('gone', 'x')])
    const alice = t.peer('alice')
    ;(await alice.send('a')).expectReplies(['echo: a', 'a', 'xa'])
    const report = await t.reload([say('echo', 'ECHO: '), say('keep', '', 1), say('time', 't')])
    expect(report).toMatchObject({
      added: ['time'],
      removed: ['gone'],
      changed: ['echo'],
      unchanged: ['keep'],
      errors: [],
      notes: [],
    })
    expect(report.swapMs).toBeGreaterThanOrEqual(0)
    expect(describeReload(report)).toMatch(
      /^reloaded in \d+\.\d ms: added time; removed gone; changed echo \(options or code\); 1 unchanged$/,
    )
    const after = await alice.send('b')
    expect(after.replies).toEqual(['ECHO: b', 'b', 'tb'])
    expect(t.chat.plugins().map((p) => p.name)).toEqual(['echo', 'keep', 'time'])
  })

  it('sets the new plugins up before the swap, then disposes the old ones in reverse', async () => {
    const steps: string[] = []
    const t = await kit([traced(steps, 'a', 'v1'), traced(steps, 'b', 'v1')])
    await t.reload([traced(steps, 'a', 'v2'), traced(steps, 'c', 'v2')])
    expect(steps).toEqual([
      'setup a v1',
      'setup b v1',
      'setup a v2',
      'setup c v2',
      'dispose b v1',
      'dispose a v1 (reloading)',
    ])
  })

  it('aborts the old signal and clears the old timers', async () => {
    vi.useFakeTimers()
    let signal: AbortSignal | undefined
    let ticks = 0
    const ticker = (every: number) =>
      definePlugin({
        name: 'ticker',
        setup: (ctx) => void ((signal ??= ctx.signal), ctx.setInterval(() => ticks++, every)),
      })
    const t = await kit([ticker(100)])
    await vi.advanceTimersByTimeAsync(250)
    expect(ticks).toBe(2)
    await t.reload([definePlugin({ name: 'other' })])
    expect(signal?.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(1000)
    expect(ticks).toBe(2)
  })

  it('keeps the old plugins running when a new setup fails, and disposes the new ones set up so far', async () => {
    const steps: string[] = []
    const t = await kit([traced(steps, 'a', 'v1'), say('echo', 'v1: ')])
    const error = await t
      .reload([
        traced(steps, 'a', 'v2'),
        definePlugin({
          name: 'bad',
          setup: () => {
            throw new Error('no database')
          },
        }),
      ])
      .catch((e: unknown) => e)
    expect(isChatError(error) && error.code).toBe('E_PLUGIN')
    expect((error as Error).message).toBe('Plugin "bad" failed to start: no database; the old plugins keep running')
    expect(steps).toEqual(['setup a v1', 'setup a v2', 'dispose a v2 (reloading)'])
    ;(await t.peer().send('still')).expectReply('v1: still')
    expect(t.chat.plugins().map((p) => p.name)).toEqual(['a', 'echo'])
  })

  it('gives up a setup that hangs and keeps the old plugins', async () => {
    vi.useFakeTimers()
    const t = await kit({ plugins: [say('echo', 'v1: ')], hookTimeout: 200 })
    const reloading = t
      .reload([definePlugin({ name: 'stuck', setup: () => new Promise<void>(() => {}) })])
      .catch((e: Error) => e.message)
    await vi.advanceTimersByTimeAsync(200)
    expect(await reloading).toBe(
      'Plugin "stuck" failed to start: its setup did not finish within 200 ms; the old plugins keep running',
    )
    ;(await t.peer().send('x')).expectReply('v1: x')
  })

  it("keeps a plugin's store across reloads of itself, and drops it when the plugin is removed", async () => {
    const t = await kit([counter(1)])
    const alice = t.peer()
    await alice.send('x')
    await alice.send('x')
    await t.reload([counter(10)])
    ;(await alice.send('x')).expectReply('12')
    await t.reload([])
    await t.reload([counter(1)])
    ;(await alice.send('x')).expectReply('1')
  })

  it('loses no datagram: those that arrive during a slow setup go to the old plugins, the rest to the new', async () => {
    let ready!: () => void
    const t = await kit([say('echo', 'old: ')])
    const alice = t.peer()
    const slow = definePlugin({
      name: 'echo',
      setup: () => new Promise<void>((resolve) => (ready = resolve)),
      inbound: (m, ctx) => ctx.reply(m, `new: ${m.text}`),
    })
    const reloading = t.reload([slow])
    const during = [await alice.send('1'), await alice.send('2'), await alice.send('3')]
    ready()
    await reloading
    const after = await alice.send('4')
    expect([...during, after].flatMap((d) => d.replies)).toEqual(['old: 1', 'old: 2', 'old: 3', 'new: 4'])
  })

  it('collects dispose errors of the old plugins and still swaps', async () => {
    const t = await kit([
      definePlugin({
        name: 'leaky',
        dispose: () => {
          throw new Error('cannot flush')
        },
      }),
    ])
    const report = await t.reload([say('echo', '')])
    expect(report.errors.map((e) => [e.plugin, e.error.message])).toEqual([['leaky', 'cannot flush']])
    expect(t.events.some((e) => e.type === 'error' && e.hook === 'dispose' && e.plugin === 'leaky')).toBe(true)
    ;(await t.peer().send('ok')).expectReply('ok')
  })

  it('runs reloads one at a time, in the order asked', async () => {
    const steps: string[] = []
    const t = await kit([traced(steps, 'a', 'v1')])
    await Promise.all([t.reload([traced(steps, 'a', 'v2')]), t.reload([traced(steps, 'a', 'v3')])])
    expect(steps).toEqual([
      'setup a v1',
      'setup a v2',
      'dispose a v1 (reloading)',
      'setup a v3',
      'dispose a v2 (reloading)',
    ])
  })
})

describe('createChat() lifecycle edge cases', () => {
  it('lets a plugin send from setup: the datagram leaves once the chat is up', async () => {
    const t = await kit()
    const room = t.peer('room')
    const greeter = await kit({
      network: t.network,
      plugins: [definePlugin({ name: 'hello', setup: (ctx) => ctx.send('hello', room.address) })],
    })
    await greeter.settle()
    expect(room.inbox).toEqual(['hello'])
    expect(greeter.events.filter((e) => e.type === 'error')).toEqual([])
  })

  it('switches a hook off after maxFailures throws in a row, for a cool-down or until the next reload', async () => {
    let calls = 0
    const flaky = () =>
      definePlugin({
        name: 'flaky',
        inbound: () => {
          calls++
          throw new Error('bad')
        },
      })
    const t = await kit({ plugins: [flaky(), say('echo', '')], maxFailures: 3 })
    const alice = t.peer()
    for (let i = 0; i < 3; i++) (await alice.send('x')).expectReply('x')
    const off = t.events.findLast((e) => e.type === 'error')
    expect(off).toMatchObject({ plugin: 'flaky', hook: 'inbound' })
    expect(off?.type === 'error' && off.error.message).toBe(
      'its inbound hook failed 3 times in a row; switched off for 30 s (or until the next reload)',
    )
    const quiet = await alice.send('y')
    quiet.expectReply('y')
    expect(quiet.errors).toEqual([])
    expect(calls).toBe(3)
    await t.reload([flaky(), say('echo', '')])
    await alice.send('z')
    expect(calls).toBe(4)
  })

  it('counts only failures in a row: a success starts the count again', async () => {
    let n = 0
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'odd',
          inbound: () => {
            if (++n % 2) throw new Error('odd')
          },
        }),
      ],
      maxFailures: 2,
    })
    for (let i = 0; i < 6; i++) await t.peer().send('x')
    expect(n).toBe(6)
  })

  it('keeps dropping, never lets messages through, once a fail-closed hook is switched off', async () => {
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'auth',
          onError: 'drop',
          inbound: () => {
            throw new Error('no key')
          },
        }),
        say('echo', ''),
      ],
      maxFailures: 2,
    })
    const alice = t.peer()
    await alice.send('a')
    await alice.send('b')
    const after = await alice.send('c')
    expect(after.expectDrop().reason).toBe(
      'its inbound hook is off after 2 failures in a row (the plugin fails closed)',
    )
    after.expectNoReply()
    expect(after.errors).toEqual([])
  })
})
