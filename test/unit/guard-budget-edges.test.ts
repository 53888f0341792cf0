import { describe, expect, it } from 'vitest'
import { SendBudget, SourceBuckets } from '../../core/index.ts'
import { prefix64, sourceHash } from '../../core/source-key.ts'

// The edges of the guard's two tables: refills that stop at the top, a clock that goes back,
// spends that fail without spending, the cap on earned credit and on proven addresses.
const a = { host: '10.0.0.1' }
const b = { host: '10.0.0.2' }

describe('SourceBuckets edges', () => {
  it('refills at rate per second up to burst, never beyond, and peek() reads without taking', () => {
    const buckets = new SourceBuckets({ rate: 2, burst: 4 })
    expect(buckets.rate).toBe(2)
    expect(buckets.burst).toBe(4)
    expect(buckets.peek(a, 0)).toBe(4)
    expect(buckets.take(a, 0, 4)).toBe(true)
    expect(buckets.peek(a, 0)).toBe(0)
    expect(buckets.peek(a, 500)).toBe(1)
    expect(buckets.peek(a, 500)).toBe(1)
    expect(buckets.peek(a, 60_000)).toBe(4)
  })

  it('takes a cost of several tokens only when all of them are there', () => {
    const buckets = new SourceBuckets({ rate: 1, burst: 3 })
    expect(buckets.take(a, 0, 2)).toBe(true)
    expect(buckets.take(a, 0, 2)).toBe(false)
    expect(buckets.peek(a, 0)).toBe(1)
    expect(buckets.take(a, 0, 1)).toBe(true)
    expect(buckets.take(a, 0, 0)).toBe(true)
  })

  it('gives nothing back when the clock goes back, and does not lose its place', () => {
    const buckets = new SourceBuckets({ rate: 1, burst: 2 })
    buckets.take(a, 10_000, 2)
    expect(buckets.peek(a, 5_000)).toBe(0)
    expect(buckets.peek(a, 11_000)).toBe(1)
  })

  it('takes nothing for a refusal by default, and the `refused` share of the cost when asked, down to -burst', () => {
    const plain = new SourceBuckets({ rate: 10, burst: 2 })
    plain.take(a, 0, 2)
    for (let i = 0; i < 100; i++) expect(plain.take(a, 0)).toBe(false)
    expect(plain.peek(a, 0)).toBe(0)
    const strict = new SourceBuckets({ rate: 10, burst: 2, refused: 0.25 })
    strict.take(a, 0, 2)
    expect(strict.take(a, 0, 2)).toBe(false)
    expect(strict.peek(a, 0)).toBe(-0.5)
    for (let i = 0; i < 100; i++) expect(strict.take(a, 0)).toBe(false)
    expect(strict.peek(a, 0)).toBe(-2)
    // Back at the rate from -burst: 3 tokens (to 1) take 300 ms at 10 a second.
    expect(strict.take(a, 299)).toBe(false)
    expect(strict.peek(a, 299)).toBeCloseTo(-2 + 2.99 - 0.25, 9)
    expect(strict.take(a, 400)).toBe(true)
    // Another source was never touched.
    expect(strict.peek(b, 400)).toBe(2)
  })

  it('clear() fills every bucket again', () => {
    const buckets = new SourceBuckets({ rate: 1, burst: 2 })
    buckets.take(a, 0, 2)
    buckets.take(b, 0, 1)
    buckets.clear()
    expect([buckets.peek(a, 0), buckets.peek(b, 0)]).toEqual([2, 2])
    // The stamps start again too: a refill measures from 0, not from before the clear.
    buckets.take(a, 1000, 2)
    expect(buckets.peek(a, 1000)).toBe(0)
  })

  it('never has fewer than 16 slots: two sources rarely share a bucket even with slots: 1', () => {
    const buckets = new SourceBuckets({ rate: 1, burst: 1, slots: 1 })
    let shared = 0
    for (let i = 0; i < 16; i++) {
      buckets.clear()
      const one = { host: `10.1.0.${i}` }
      const other = { host: `10.2.0.${i}` }
      buckets.take(one, 0)
      if (!buckets.take(other, 0)) shared++
    }
    // With a single slot every pair would share; with 16, about one pair in 16 does.
    expect(shared).toBeLessThan(8)
  })
})

describe('SendBudget edges', () => {
  it('uses factor 3 and allowance 256 by default', () => {
    const budget = new SendBudget()
    expect([budget.factor, budget.allowance]).toEqual([3, 256])
    expect(budget.spend(a, 256, 0)).toBe(true)
    expect(budget.spend(a, 1, 0)).toBe(false)
    budget.received(a, 10)
    expect(budget.spend(a, 30, 0)).toBe(true)
    expect(budget.spend(a, 1, 0)).toBe(false)
  })

  it('spends earned credit before the allowance, and a refused spend takes nothing', () => {
    const budget = new SendBudget({ factor: 2, allowance: 10 })
    budget.received(a, 10) // 20 earned
    expect(budget.spend(a, 31, 0)).toBe(false)
    expect(budget.spend(a, 25, 0)).toBe(true) // 20 earned + 5 of the allowance
    expect(budget.spend(a, 6, 0)).toBe(false)
    expect(budget.spend(a, 5, 0)).toBe(true)
  })

  it('refills the allowance at its own size per second, no higher than itself', () => {
    const budget = new SendBudget({ factor: 1, allowance: 100 })
    expect(budget.spend(a, 100, 1000)).toBe(true)
    expect(budget.spend(a, 51, 1500)).toBe(false)
    expect(budget.spend(a, 50, 1500)).toBe(true)
    expect(budget.spend(a, 101, 100_000)).toBe(false)
    expect(budget.spend(a, 100, 100_000)).toBe(true)
  })

  it('gives no allowance back when the clock goes back', () => {
    const budget = new SendBudget({ factor: 1, allowance: 100 })
    expect(budget.spend(a, 100, 5000)).toBe(true)
    expect(budget.spend(a, 1, 4000)).toBe(false)
    expect(budget.spend(a, 10, 5100)).toBe(true)
  })

  it('caps earned credit at 1 MiB, so an address cannot bank a day of traffic', () => {
    const budget = new SendBudget({ factor: 1, allowance: 0 })
    for (let i = 0; i < 100; i++) budget.received(a, 60_000)
    expect(budget.spend(a, 1 << 20, 0)).toBe(true)
    expect(budget.spend(a, 1, 0)).toBe(false)
  })

  it('starts a source from no credit when it takes a slot another source had', () => {
    const budget = new SendBudget({ factor: 1, allowance: 0, slots: 16 })
    const seed = (budget as unknown as { seed: number }).seed
    const slot = (host: string) => sourceHash(host, seed) & 15
    budget.received(a, 1000)
    const other = Array.from({ length: 1000 }, (_, i) => ({ host: `10.9.${i >> 8}.${i & 255}` })).find(
      (s) => slot(s.host) === slot(a.host) && sourceHash(s.host, seed) !== sourceHash(a.host, seed),
    )!
    budget.received(other, 1)
    // The slot now belongs to the other source: the first one's credit is gone.
    expect(budget.spend(a, 1, 0)).toBe(false)
    expect(budget.spend(other, 1, 0)).toBe(true)
  })

  it('forgets the oldest proven address past maxProven, and proving again makes it the newest', () => {
    const budget = new SendBudget({ factor: 1, allowance: 0, maxProven: 2 })
    budget.prove('10.0.0.1')
    budget.prove('10.0.0.2')
    budget.prove('10.0.0.1') // the newest again
    budget.prove('10.0.0.3') // past the cap: 10.0.0.2 is forgotten
    expect(budget.spend({ host: '10.0.0.1' }, 1000, 0)).toBe(true)
    expect(budget.spend({ host: '10.0.0.3' }, 1000, 0)).toBe(true)
    expect(budget.spend({ host: '10.0.0.2' }, 1000, 0)).toBe(false)
  })
})

describe('prefix64() edge forms', () => {
  it('reads a zone, an IPv4 tail, a gap in the middle and a bad group as zero', () => {
    expect(prefix64('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0])
    expect(prefix64('1:2::3:4:5:6:7')).toEqual([1, 2, 0, 3])
    expect(prefix64('1:2:3::')).toEqual([1, 2, 3, 0])
    expect(prefix64('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4])
    expect(prefix64('1::2:3:4:5:1.2.3.4')).toEqual([1, 0, 2, 3])
    expect(prefix64('zz:1::')).toEqual([0, 1, 0, 0])
    expect(prefix64('fe80:1::9%en0')).toEqual([0xfe80, 1, 0, 0])
  })

  it('hashes an IPv4-mapped address by its IPv4 text and other IPv6 by the /64', () => {
    expect(sourceHash('::ffff:10.0.0.1', 3)).toBe(sourceHash('10.0.0.1', 3))
    expect(sourceHash('10.0.0.1', 3)).not.toBe(sourceHash('10.0.0.1', 4))
    expect(sourceHash('2001:db8::1', 3)).toBe(sourceHash('2001:db8:0:0:9::', 3))
  })
})
