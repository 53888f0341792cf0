import { describe, expect, it, vi } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import { fresh } from '../helpers/fresh.ts'
import { kit } from '../helpers/kit.ts'

// The signed wire past the happy path: its layout, sequence numbers across datagrams, reloads and
// restarts, and the replay window's edges. Loaded afresh in each test (see fresh.ts): the layout
// and the window's size are module-level.
const keys = { alice: 'alice secret 0123456789', bob: 'bob secret 0123456789' }
const bytes = (text: string) => new TextEncoder().encode(text)
const secret = bytes(keys.alice)

describe('seal() and unseal()', () => {
  it('lay out magic, key id, 64-bit sequence number, payload and a MAC over all of it', async () => {
    const { seal, unseal, OVERHEAD } = await fresh(() => import('../../plugins/_signature.ts'))
    expect(OVERHEAD).toBe(3 + 1 + 8 + 32)
    const seq = 2 ** 40 + 5
    const sealed = seal(bytes('hi'), 'alice', secret, seq)
    expect(sealed.byteLength).toBe(OVERHEAD + 5 + 2)
    expect([...sealed.subarray(0, 19)]).toEqual([
      0x55,
      0x53,
      1,
      5,
      ...bytes('alice'),
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      5,
      ...bytes('hi'),
    ])
    // Read from the middle of a larger buffer, as a receive buffer may hand it over.
    const inside = new Uint8Array(sealed.byteLength + 10)
    inside.set(sealed, 7)
    const parts = unseal(inside.subarray(7, 7 + sealed.byteLength))!
    expect([parts.id, parts.seq, new TextDecoder().decode(parts.payload)]).toEqual(['alice', seq, 'hi'])
    expect([parts.verify(secret), parts.verify(bytes(keys.bob))]).toEqual([true, false])
  })

  it('takes nothing that is too short, has another magic or an empty key id', async () => {
    const { seal, unseal, OVERHEAD } = await fresh(() => import('../../plugins/_signature.ts'))
    const sealed = seal(new Uint8Array(0), 'a', secret, 1)
    expect(sealed.byteLength).toBe(OVERHEAD + 1)
    expect(unseal(sealed)?.id).toBe('a')
    expect(unseal(sealed.subarray(0, OVERHEAD))).toBeUndefined()
    for (const at of [0, 1, 2]) {
      const other = sealed.slice()
      other[at]! ^= 0x80
      expect(unseal(other), `byte ${at}`).toBeUndefined()
    }
    expect(unseal(sealed.subarray(0, 3))).toBeUndefined()
    const noId = sealed.slice()
    noId[3] = 0
    expect(unseal(noId)).toBeUndefined()
    // A key id longer than what follows it leaves no room for the sequence number and the MAC.
    const long = sealed.slice()
    long[3] = 2
    expect(unseal(long)).toBeUndefined()
  })
})

describe('ReplayWindow edges', () => {
  it('takes a number up to REPLAY_WINDOW - 1 behind the highest, not REPLAY_WINDOW', async () => {
    const { ReplayWindow, REPLAY_WINDOW } = await fresh(() => import('../../plugins/_replay-window.ts'))
    expect(REPLAY_WINDOW).toBe(63 * 32)
    const w = new ReplayWindow()
    const top = 10_000
    expect(w.check(0)).toBe(true)
    w.update(top)
    expect([w.check(top), w.check(top + 1), w.check(top - REPLAY_WINDOW + 1), w.check(top - REPLAY_WINDOW)]).toEqual([
      false,
      true,
      true,
      false,
    ])
  })

  it('forgets what it saw in blocks it moved past, and only those', async () => {
    const { ReplayWindow } = await fresh(() => import('../../plugins/_replay-window.ts'))
    const w = new ReplayWindow()
    for (const seq of [0, 31, 32, 64]) w.update(seq)
    // 64 blocks of 32 later the ring comes back to block 0: it must have been cleared, not kept.
    w.update(64 * 32 + 40)
    expect([64 * 32, 64 * 32 + 31, 64 * 32 + 32].map((seq) => w.check(seq))).toEqual([true, true, true])
    const near = new ReplayWindow()
    near.update(100)
    near.update(99)
    near.update(131)
    expect([near.check(99), near.check(100), near.check(98), near.check(130)]).toEqual([false, false, true, true])
  })
})

describe('ReplayWindow moving on', () => {
  it('keeps the marks of the blocks it did not move past, and judges a number ahead of it new', async () => {
    const { ReplayWindow } = await fresh(() => import('../../plugins/_replay-window.ts'))
    const w = new ReplayWindow()
    for (const seq of [39 * 32 + 3, 40 * 32 + 1, 41 * 32 + 5]) w.update(seq)
    expect([39 * 32 + 3, 40 * 32 + 1, 41 * 32 + 5].map((seq) => w.check(seq))).toEqual([false, false, false])
    // Ahead of the highest, on a ring slot an old number used: new.
    expect(w.check(39 * 32 + 3 + 64 * 32)).toBe(true)
  })
})

describe('signed() sequence numbers', () => {
  it('numbers each datagram one more than the last, from the clock, and a reload goes on counting', async () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const { signed } = await fresh(() => import('../../plugins/index.ts'))
    const { unseal } = await fresh(() => import('../../plugins/_signature.ts'))
    const network = createMemoryNetwork()
    const peer = (await kit({ network })).peer('peer')
    const t = await kit({ network, plugins: [signed({ keys, as: 'alice' })] })
    await t.send('one', peer)
    await t.send('two', peer)
    await t.reload([signed({ keys: { ...keys, carol: 'carol secret 0123456789' }, as: 'alice' })])
    await t.send('three', peer)
    expect(peer.datagrams.map((d) => unseal(d)?.seq)).toEqual([
      1_000_000 * 1024,
      1_000_000 * 1024 + 1,
      1_000_000 * 1024 + 2,
    ])
  })

  it('drops a sequence number past 2^53, and keeps dropping replays across a reload', async () => {
    const { signed } = await fresh(() => import('../../plugins/index.ts'))
    const { seal } = await fresh(() => import('../../plugins/_signature.ts'))
    const t = await kit([signed({ keys, as: 'bob' })])
    const mallory = t.peer('mallory')
    ;(await mallory.send(seal(bytes('x'), 'alice', secret, 2 ** 53))).expectDrop(
      'signed: a sequence number out of range',
    )
    const genuine = seal(bytes('once'), 'alice', secret, 7)
    ;(await mallory.send(genuine)).expectDelivered('once')
    ;(await mallory.send(seal(bytes('next'), 'alice', secret, 8))).expectDelivered('next')
    ;(await mallory.send(genuine)).expectDrop('signed: a replay, or too old (key alice, seq 7)')
    await t.reload([signed({ keys: { ...keys, carol: 'carol secret 0123456789' }, as: 'bob' })])
    ;(await mallory.send(genuine)).expectDrop('signed: a replay, or too old (key alice, seq 7)')
  })
})
