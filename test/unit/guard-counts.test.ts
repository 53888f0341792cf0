import { describe, expect, it } from 'vitest'
import { Guard } from '../../core/guard.ts'
import type { Limits } from '../../core/limits.ts'

// The Guard class on its own: each check, what it counts, and what report() hands on.
const a = { host: '10.0.0.1', port: 1000, family: 'IPv4' as const }
const b = { host: '10.0.0.2', port: 1000, family: 'IPv4' as const }
const limits = (over: Partial<Limits> = {}): Omit<Limits, 'lanes'> => ({
  perSource: false,
  answers: false,
  amplification: false,
  allowance: 0,
  ...over,
})

describe('Guard.admit()', () => {
  it('lets a source spend its burst, then drops and counts each datagram over it', () => {
    const guard = new Guard(limits({ perSource: { rate: 1, burst: 2 } }))
    expect([guard.admit(10, a, 0), guard.admit(10, a, 0), guard.admit(10, a, 0), guard.admit(10, a, 0)]).toEqual([
      true,
      true,
      false,
      false,
    ])
    expect(guard.admit(10, b, 0)).toBe(true)
    expect(guard.recent).toEqual({ rateLimited: 2, unanswered: 0, amplification: 0, busy: 0 })
  })

  it('gives a source twice its rate as burst when no burst is set', () => {
    const guard = new Guard(limits({ perSource: { rate: 3 } }))
    const admitted = Array.from({ length: 8 }, () => guard.admit(1, a, 0)).filter(Boolean).length
    expect(admitted).toBe(6)
  })

  it('lets nothing through from a source sending over ten times its rate, by default, until it slows down', () => {
    const guard = new Guard(limits({ perSource: { rate: 100, burst: 200 } }))
    const admittedIn = (from: number, to: number, everyMs: number, source = a) => {
      let admitted = 0
      for (let t = from; t < to; t += everyMs) if (guard.admit(10, source, t)) admitted++
      return admitted
    }
    // 2,000 a second (20 times the rate) for 5 s: the burst (and the 10 that came back while it
    // was spent), then nothing.
    expect(admittedIn(0, 5000, 0.5)).toBe(210)
    // Another source at its rate is not touched.
    expect(admittedIn(0, 5000, 10, b)).toBe(500)
    // Quiet for 2 s (from -200 back to 0), then at the rate again: all of it.
    expect(admittedIn(7010, 8000, 10)).toBe(99)
    // 150 a second, 1.5 times the rate: refusals cost a tenth, so it still gets most of its rate.
    const steady = new Guard(limits({ perSource: { rate: 100, burst: 5 } }))
    let admitted = 0
    for (let t = 0; t < 10_000; t += 1000 / 150) if (steady.admit(10, a, t)) admitted++
    expect(admitted / 10).toBeGreaterThan(90)
    expect(admitted / 10).toBeLessThan(100)
  })

  it('charges refusals nothing with refused: 0: a flooding source keeps its rate', () => {
    const guard = new Guard(limits({ perSource: { rate: 100, burst: 200, refused: 0 } }))
    let admitted = 0
    for (let t = 0; t < 5000; t += 0.5) if (guard.admit(10, a, t)) admitted++
    expect(admitted).toBeGreaterThanOrEqual(699)
    expect(admitted).toBeLessThanOrEqual(701)
  })

  it('admits everything with perSource: false', () => {
    const guard = new Guard(limits())
    for (let i = 0; i < 1000; i++) expect(guard.admit(1, a, 0)).toBe(true)
    expect(guard.report()).toBeUndefined()
  })

  it('credits what an admitted datagram brings to the send budget of its source', () => {
    const guard = new Guard(limits({ amplification: 3, allowance: 0 }))
    expect(guard.send(a, 30, 0)).toBe(false)
    guard.admit(10, a, 0)
    expect(guard.send(a, 30, 0)).toBe(true)
    expect(guard.send(a, 1, 0)).toBe(false)
  })

  it('credits nothing for a datagram it drops', () => {
    const guard = new Guard(limits({ perSource: { rate: 1, burst: 1 }, amplification: 3, allowance: 0 }))
    expect(guard.admit(10, a, 0)).toBe(true)
    expect(guard.admit(1000, a, 0)).toBe(false)
    expect(guard.send(a, 31, 0)).toBe(false)
    expect(guard.send(a, 30, 0)).toBe(true)
  })
})

describe('Guard.answer() and Guard.send()', () => {
  it('answers within the answer budget per address and counts the rest', () => {
    const guard = new Guard(limits({ answers: { rate: 1, burst: 1 } }))
    expect(guard.answer(a, 0)).toBe(true)
    expect(guard.answer(a, 0)).toBe(false)
    expect(guard.answer(b, 0)).toBe(true)
    expect(guard.answer(a, 1000)).toBe(true)
    expect(guard.recent.unanswered).toBe(1)
  })

  it('always answers and sends with answers and amplification switched off', () => {
    const guard = new Guard(limits())
    expect(guard.budget).toBeUndefined()
    for (let i = 0; i < 100; i++) {
      expect(guard.answer(a, 0)).toBe(true)
      expect(guard.send(a, 65_000, 0)).toBe(true)
    }
    expect(guard.report()).toBeUndefined()
  })

  it('counts each send refused by the amplification limit', () => {
    const guard = new Guard(limits({ amplification: 2, allowance: 10 }))
    expect(guard.budget?.factor).toBe(2)
    expect(guard.budget?.allowance).toBe(10)
    expect(guard.send(a, 11, 0)).toBe(false)
    expect(guard.send(a, 10, 0)).toBe(true)
    expect(guard.send(a, 1, 0)).toBe(false)
    expect(guard.recent.amplification).toBe(2)
  })
})

describe('Guard.report()', () => {
  it('hands on the counts since the last report, adds them to the totals, and starts again from zero', () => {
    const guard = new Guard(limits({ perSource: { rate: 1, burst: 1 }, answers: { rate: 1, burst: 1 } }))
    guard.admit(1, a, 0)
    guard.admit(1, a, 0)
    guard.admit(1, a, 0)
    guard.answer(a, 0)
    guard.answer(a, 0)
    expect(guard.report()).toEqual({ rateLimited: 2, unanswered: 1, amplification: 0, busy: 0 })
    expect(guard.recent).toEqual({ rateLimited: 0, unanswered: 0, amplification: 0, busy: 0 })
    expect(guard.total).toEqual({ rateLimited: 2, unanswered: 1, amplification: 0, busy: 0 })
    expect(guard.report()).toBeUndefined()
    guard.answer(b, 0)
    guard.answer(b, 0)
    expect(guard.report()).toEqual({ rateLimited: 0, unanswered: 1, amplification: 0, busy: 0 })
    expect(guard.total).toEqual({ rateLimited: 2, unanswered: 2, amplification: 0, busy: 0 })
  })

  it('reports a period in which only sends were refused', () => {
    const guard = new Guard(limits({ amplification: 1, allowance: 0 }))
    guard.send(a, 1, 0)
    expect(guard.report()).toEqual({ rateLimited: 0, unanswered: 0, amplification: 1, busy: 0 })
    expect(guard.total.amplification).toBe(1)
  })

  it('reports any mix of counts, however they add up', () => {
    const guard = new Guard(
      limits({ perSource: { rate: 1, burst: 1 }, answers: { rate: 1, burst: 1 }, amplification: 1, allowance: 0 }),
    )
    guard.admit(1, a, 0)
    guard.admit(1, a, 0) // one rate-limited
    guard.answer(b, 0)
    guard.answer(b, 0) // one unanswered
    expect(guard.report()).toEqual({ rateLimited: 1, unanswered: 1, amplification: 0, busy: 0 })
    guard.answer(b, 0) // one unanswered
    guard.send({ ...b, host: '10.0.0.9' }, 1, 0) // one refused send
    expect(guard.report()).toEqual({ rateLimited: 0, unanswered: 1, amplification: 1, busy: 0 })
    guard.busy()
    expect(guard.report()).toEqual({ rateLimited: 0, unanswered: 0, amplification: 0, busy: 1 })
    expect(guard.total).toEqual({ rateLimited: 1, unanswered: 2, amplification: 1, busy: 1 })
  })
})

describe('Guard.report() with busy drops', () => {
  it('reports a second with one datagram rate-limited and one busy (they add up, not cancel out)', () => {
    const guard = new Guard(limits({ perSource: { rate: 1, burst: 1 } }))
    guard.admit(10, a, 0)
    expect(guard.admit(10, a, 0)).toBe(false)
    guard.busy()
    expect(guard.report()).toEqual({ rateLimited: 1, unanswered: 0, amplification: 0, busy: 1 })
    expect(guard.report()).toBeUndefined()
  })
})
