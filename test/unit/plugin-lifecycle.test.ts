import { describe, expect, it, vi } from 'vitest'
import { createChat, definePlugin, resolveConfig, type ChatEvent } from '../../core/index.ts'
import { createMemoryNetwork } from '../../core/testing.ts'
import type { ChatError } from '../../core/errors.ts'
import { kit } from '../helpers/kit.ts'

// A plugin's life around its hooks: start failures, dispose time-outs, what its context offers
// (timers, reports, proving an address), and the switch-off when a decoder fails closed.
const thrower = (message: string): never => {
  throw new Error(message)
}
const errorsOf = (events: ChatEvent[]) =>
  events.flatMap((e) => (e.type === 'error' ? [{ plugin: e.plugin, hook: e.hook, error: e.error }] : []))

describe('a chat that fails to start', () => {
  it('disposes the plugins already set up, not as a reload, and names the one that failed, with the cause', async () => {
    const seen: boolean[] = []
    const cause = new Error('no database')
    const network = createMemoryNetwork()
    const started = createChat({
      config: resolveConfig({
        host: '127.0.0.1',
        port: 0,
        plugins: [
          definePlugin({ name: 'first', dispose: (ctx) => void seen.push(ctx.reloading) }),
          definePlugin({
            name: 'second',
            setup: () => {
              throw cause
            },
          }),
        ],
      }),
      transport: network.transport,
      onEvent: () => {},
    })
    const error = await started.then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    )
    expect(error).toMatchObject({ code: 'E_PLUGIN', message: 'Plugin "second" failed to start: no database' })
    expect(error?.cause).toBe(cause)
    expect(seen).toEqual([false])
  })

  it('gives up a setup that hangs with a plugin error', async () => {
    vi.useFakeTimers()
    const starting = kit({
      plugins: [definePlugin({ name: 'stuck', setup: () => new Promise<void>(() => {}) })],
      hookTimeout: 100,
    })
    const failed = starting.then(
      () => undefined,
      (e: unknown) => e,
    )
    await vi.advanceTimersByTimeAsync(100)
    expect(await failed).toMatchObject({
      code: 'E_PLUGIN',
      message: 'Plugin "stuck" failed to start: its setup did not finish within 100 ms',
    })
  })

  it('leaves no timer behind once an async setup has finished in time', async () => {
    vi.useFakeTimers()
    await kit([definePlugin({ name: 'sync', setup: () => {} })])
    const plain = vi.getTimerCount()
    await kit([definePlugin({ name: 'async', setup: async () => {} })])
    expect(vi.getTimerCount()).toBe(2 * plain)
  })
})

describe('dispose', () => {
  it('reports a dispose that hangs as an error of that plugin, and the chat still closes', async () => {
    vi.useFakeTimers()
    const t = await kit({
      plugins: [definePlugin({ name: 'slow', dispose: () => new Promise<void>(() => {}) })],
      hookTimeout: 100,
    })
    const closing = t.close()
    await vi.advanceTimersByTimeAsync(2000)
    await closing
    expect(errorsOf(t.events).map((e) => [e.plugin, e.hook, e.error.message])).toEqual([
      ['slow', 'dispose', 'its dispose did not finish within 100 ms'],
    ])
    expect(errorsOf(t.events)[0]?.error).toMatchObject({ code: 'E_PLUGIN' })
  })
})

describe("a plugin's context", () => {
  it('ctx.setTimeout() runs once; a timer still waiting when the plugin ends never runs', async () => {
    vi.useFakeTimers()
    const fired: string[] = []
    const t = await kit([
      definePlugin({
        name: 'timers',
        setup: (ctx) => {
          ctx.setTimeout(() => fired.push('soon'), 100)
          ctx.setTimeout(() => fired.push('late'), 10_000)
        },
      }),
    ])
    await vi.advanceTimersByTimeAsync(200)
    expect(fired).toEqual(['soon'])
    await t.reload([])
    await vi.advanceTimersByTimeAsync(20_000)
    expect(fired).toEqual(['soon'])
  })

  it('reports a timer callback that throws or rejects as an error of the plugin, and the interval goes on', async () => {
    // Before, the throw escaped the timer: an uncaught exception, and the process ended with a stack trace.
    vi.useFakeTimers()
    let ticks = 0
    const misuse: string[] = []
    const t = await kit([
      definePlugin({
        name: 'tick',
        setup: (ctx) => {
          ctx.setTimeout(() => thrower('once'), 10)
          ctx.setTimeout(async () => thrower('later'), 10)
          ctx.setInterval(() => {
            if (++ticks < 3) throw new Error(`tick ${ticks}`)
          }, 100)
          for (const call of [() => ctx.setTimeout(42 as never, 10), () => ctx.setInterval(undefined as never, 10)])
            try {
              call()
            } catch (error) {
              misuse.push(`${(error as ChatError).code} ${(error as Error).message}`)
            }
        },
      }),
    ])
    await vi.advanceTimersByTimeAsync(350)
    expect(ticks).toBe(3)
    expect(t.events.flatMap((e) => (e.type === 'error' ? [[e.plugin, e.error.message]] : []))).toEqual([
      ['tick', 'once'],
      ['tick', 'later'],
      ['tick', 'tick 1'],
      ['tick', 'tick 2'],
    ])
    expect(misuse).toEqual([
      'E_PLUGIN ctx.setTimeout(fn, ms): expected `fn` to be a function, got `42` (number)',
      'E_PLUGIN ctx.setInterval(fn, ms): expected `fn` to be a function, got nothing',
    ])
  })

  it('ctx.report() is a status event with the plugin name', async () => {
    const t = await kit([definePlugin({ name: 'bridge', setup: (ctx) => ctx.report({ up: false, queued: 3 }) })])
    expect(t.events.filter((e) => e.type === 'status')).toEqual([
      { type: 'status', plugin: 'bridge', status: { up: false, queued: 3 } },
    ])
  })

  it('ctx.markProven(address) proves it (no amplification limit) until markProven(address, false)', async () => {
    const big = 'x'.repeat(2000)
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'cookie',
          inbound: (m, ctx) => {
            if (m.text === 'prove') ctx.markProven(m.from)
            else if (m.text === 'forget') ctx.markProven(m.from, false)
            else ctx.reply(m, big)
          },
        }),
      ],
      config: { limits: { answers: false } },
    })
    const alice = t.peer('alice')
    ;(await alice.send('a')).expectDrop(/has not proved it receives/)
    await alice.send('prove')
    ;(await alice.send('b')).expectReply(big)
    await alice.send('forget')
    ;(await alice.send('c')).expectDrop(/has not proved it receives/)
  })
})

describe('a decoder of a plugin that fails closed, switched off', () => {
  it('is left out like any decoder: messages go on as utf-8, never dropped', async () => {
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'strict',
          onError: 'drop',
          decode: () => {
            throw new Error('bad table')
          },
        }),
      ],
      maxFailures: 1,
    })
    const alice = t.peer('alice')
    await alice.send('one')
    const next = await alice.send('two')
    next.expectDelivered('two')
    expect(next.drop).toBeUndefined()
    expect(next.errors).toEqual([])
  })
})
