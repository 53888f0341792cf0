import { describe, expect, it, vi } from 'vitest'
import { definePlugin, type ChatEvent, type Plugin } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'

// A hook switched off after failures in a row comes back after a cool-down (30 s by default),
// twice as long each time it trips again, never longer than 10 minutes; when it comes back it
// takes its old place in the chain. On the fake clock.
const say = (name: string, prefix: string): Plugin =>
  definePlugin({ name, inbound: (m) => ({ ...m, text: prefix + m.text }) })
const offMessages = (events: ChatEvent[]) =>
  events.flatMap((e) => (e.type === 'error' && /in a row/.test(e.error.message) ? [e.error.message] : []))

describe('a hook switched off by failures in a row', () => {
  it('comes back after 30 s, then 60, 120... each trip twice as long, at most 600 s', async () => {
    vi.useFakeTimers()
    let calls = 0
    let failing = true
    const flaky = definePlugin({
      name: 'flaky',
      inbound: () => {
        calls++
        if (failing) throw new Error('bad')
      },
    })
    const t = await kit({ plugins: [flaky], maxFailures: 1 })
    const alice = t.peer('alice')
    const seconds: number[] = []
    for (const wait of [30, 60, 120, 240, 480, 600, 600]) {
      const before = calls
      await alice.send('x') // trips it
      expect(calls).toBe(before + 1)
      await vi.advanceTimersByTimeAsync(wait * 1000 - 1)
      await alice.send('y') // still off: not called
      expect(calls).toBe(before + 1)
      await vi.advanceTimersByTimeAsync(1)
      seconds.push(wait)
    }
    expect(offMessages(t.events)).toEqual(
      seconds.map(
        (s) => `its inbound hook failed 1 times in a row; switched off for ${s} s (or until the next reload)`,
      ),
    )
    expect(t.logs.filter((l) => l.tag === 'flaky').map((l) => l.text)).toEqual(
      seconds.map(() => 'its inbound hook is back on'),
    )
    failing = false
    const back = await alice.send('z')
    expect(calls).toBe(8)
    back.expectDelivered('z')
    expect(back.errors).toEqual([])
  })

  it('counts its failures afresh once it is back on', async () => {
    vi.useFakeTimers()
    let calls = 0
    const flaky = definePlugin({
      name: 'flaky',
      inbound: () => {
        calls++
        throw new Error('bad')
      },
    })
    const t = await kit({ plugins: [flaky], maxFailures: 3 })
    const alice = t.peer('alice')
    for (let i = 0; i < 3; i++) await alice.send('x')
    expect(offMessages(t.events)).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(30_000)
    // Two more failures are not three in a row: it stays on.
    await alice.send('x')
    await alice.send('x')
    expect(offMessages(t.events)).toHaveLength(1)
    expect(calls).toBe(5)
    await alice.send('x')
    expect(offMessages(t.events)).toHaveLength(2)
  })

  it('takes its old place in the chain when it comes back', async () => {
    vi.useFakeTimers()
    let failing = true
    const middle = definePlugin({
      name: 'middle',
      inbound: (m) => {
        if (failing) throw new Error('bad')
        return { ...m, text: `${m.text}+m` }
      },
    })
    const t = await kit({ plugins: [say('first', 'f:'), middle, say('last', 'l:')], maxFailures: 1 })
    const alice = t.peer('alice')
    await alice.send('x')
    ;(await alice.send('y')).expectDelivered('l:f:y')
    failing = false
    await vi.advanceTimersByTimeAsync(30_000)
    ;(await alice.send('z')).expectDelivered('l:f:z+m')
  })

  it('fails closed while off, then runs again once back: a plugin with onError drop', async () => {
    vi.useFakeTimers()
    let failing = true
    const auth = definePlugin({
      name: 'auth',
      onError: 'drop',
      inbound: () => {
        if (failing) throw new Error('no key')
      },
    })
    const t = await kit({ plugins: [auth], maxFailures: 1 })
    const alice = t.peer('alice')
    await alice.send('a')
    expect(offMessages(t.events)).toEqual([
      'its inbound hook failed 1 times in a row; it now drops every message (the plugin fails closed) for 30 s (or until the next reload)',
    ])
    failing = false
    expect((await alice.send('b')).expectDrop().reason).toBe(
      'its inbound hook is off after 1 failures in a row (the plugin fails closed)',
    )
    await vi.advanceTimersByTimeAsync(30_000)
    ;(await alice.send('c')).expectDelivered('c')
  })

  it('does not come back into plugins a reload has replaced', async () => {
    vi.useFakeTimers()
    let oldCalls = 0
    const flaky = definePlugin({
      name: 'flaky',
      inbound: () => {
        oldCalls++
        throw new Error('bad')
      },
    })
    const t = await kit({ plugins: [flaky, say('echo', '')], maxFailures: 1 })
    const alice = t.peer('alice')
    await alice.send('a')
    await t.reload([say('echo', 'new:')])
    await vi.advanceTimersByTimeAsync(30_000)
    ;(await alice.send('b')).expectDelivered('new:b')
    expect(oldCalls).toBe(1)
    expect(t.logs.filter((l) => /back on/.test(l.text))).toEqual([])
  })
})
