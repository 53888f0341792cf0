import { describe, expect, it } from 'vitest'
import { SendBudget, SourceBuckets } from '../../core/index.ts'
import { Guard } from '../../core/guard.ts'
import { prefix64, sourceHash, sourceLabel } from '../../core/source-key.ts'

describe('sourceHash()', () => {
  it('sourceLabel() names the source sourceHash() keys: the IPv4 address (also IPv4-mapped), or the IPv6 /64', () => {
    expect(sourceLabel({ host: '127.0.0.1' })).toBe('127.0.0.1')
    expect(sourceLabel({ host: '::ffff:127.0.0.1' })).toBe('127.0.0.1')
    expect(sourceLabel({ host: '2001:db8:1:2::5' })).toBe('2001:db8:1:2::/64')
    expect(sourceLabel({ host: '2001:0db8:0001:0002:ffff:0:0:9' })).toBe('2001:db8:1:2::/64')
    expect(sourceLabel({ host: '::1' })).toBe('0:0:0:0::/64')
  })

  it('keys IPv6 by its /64 and IPv4 by the address, whatever way it is written', () => {
    expect(prefix64('2001:db8:1:2::5')).toEqual([0x2001, 0xdb8, 1, 2])
    expect(prefix64('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0])
    expect(prefix64('::1')).toEqual([0, 0, 0, 0])
    expect(prefix64('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0])
    expect(sourceHash('2001:db8:1:2::5', 7)).toBe(sourceHash('2001:db8:1:2:ffff:1:2:3', 7))
    expect(sourceHash('2001:db8:1:2::5', 7)).not.toBe(sourceHash('2001:db8:1:3::5', 7))
    expect(sourceHash('::ffff:10.0.0.1', 7)).toBe(sourceHash('10.0.0.1', 7))
    expect(sourceHash('10.0.0.1', 7)).not.toBe(sourceHash('10.0.0.2', 7))
  })

  it('reads the /64 in place the same whatever way the address is written', () => {
    const same = [
      '2001:db8::5',
      '2001:db8:0:0:1::',
      '2001:0DB8:0000:0000:ffff::1',
      '2001:db8::%eth0',
      '2001:db8:0:0::1.2.3.4',
    ]
    for (const host of same) expect(prefix64(host), host).toEqual([0x2001, 0xdb8, 0, 0])
    for (const host of same) expect(sourceHash(host, 11), host).toBe(sourceHash(same[0]!, 11))
    expect(prefix64('1::2:3:4:5:6:7')).toEqual([1, 0, 2, 3]) // the tail reaches into the /64
    expect(prefix64('::2:3:4:5:6:7:8')).toEqual([0, 2, 3, 4])
    expect(prefix64('1:2:3:4:5:6:7::')).toEqual([1, 2, 3, 4])
    expect(prefix64('2001:db8:1::1.2.3.4')).toEqual([0x2001, 0xdb8, 1, 0])
    for (const junk of ['', ':', ':::', '1:::2', 'x:y::z', '1.2.3.4.5::'])
      expect(() => sourceHash(junk, 3), junk).not.toThrow()
  })
})

describe('Guard', () => {
  it('hashes an address again when its host changed in place (the one-entry cache is no stale key)', () => {
    const guard = new Guard({ perSource: { rate: 1e-9, burst: 1 }, answers: false, amplification: false, allowance: 0 })
    const from = { host: '10.0.0.1', port: 1, family: 'IPv4' as const }
    expect(guard.admit(1, from, 0)).toBe(true)
    expect(guard.admit(1, from, 0)).toBe(false)
    from.host = '10.0.0.2'
    expect(guard.admit(1, from, 0)).toBe(true)
    expect(guard.admit(1, { ...from, host: '10.0.0.1' }, 0)).toBe(false)
  })

  it('answers and amplification use the same source keys as the rate limit (IPv6 by /64)', () => {
    const guard = new Guard({ perSource: false, answers: { rate: 1e-9, burst: 1 }, amplification: 3, allowance: 0 })
    const a = { host: '2001:db8:1:2::5', port: 1, family: 'IPv6' as const }
    expect(guard.admit(10, a, 0)).toBe(true)
    expect(guard.answer(a, 0)).toBe(true)
    expect(guard.answer({ ...a, host: '2001:db8:1:2::9' }, 0)).toBe(false) // same /64, same budget
    expect(guard.send({ ...a, host: '2001:db8:1:2:ff::1' }, 30, 0)).toBe(true) // 3 x 10 bytes earned by the /64
    expect(guard.send(a, 1, 0)).toBe(false)
  })
})

describe('SourceBuckets', () => {
  it('gives each source its burst, then its rate, whatever its port', () => {
    const buckets = new SourceBuckets({ rate: 10, burst: 3 })
    const a = { host: '10.0.0.1' }
    const takes = Array.from({ length: 5 }, () => buckets.take(a, 1000))
    expect(takes).toEqual([true, true, true, false, false])
    expect(buckets.take({ host: '10.0.0.2' }, 1000)).toBe(true)
    expect(buckets.take(a, 1099)).toBe(false) // 0.99 of a token back
    expect(buckets.take(a, 1100)).toBe(true)
  })

  it('keeps its memory whatever the number of sources, and every source still gets some', () => {
    const buckets = new SourceBuckets({ rate: 1, burst: 2, slots: 1024 })
    let allowed = 0
    for (let i = 0; i < 100_000; i++)
      if (buckets.take({ host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }, 5000)) allowed++
    // 100,000 sources over 1,024 slots: each slot's burst is spent by the first two that land on it.
    expect(allowed).toBeLessThanOrEqual(2 * 1024)
    expect(allowed).toBeGreaterThan(1024)
  })
})

describe('SendBudget', () => {
  it('lets an unproven address get 3x what it sent plus the allowance, and a proven one anything', () => {
    const budget = new SendBudget({ factor: 3, allowance: 100 })
    const a = { host: '10.0.0.1' }
    budget.received(a, 10)
    expect(budget.spend(a, 130, 0)).toBe(true) // 30 earned + 100 allowance
    expect(budget.spend(a, 1, 0)).toBe(false)
    expect(budget.spend(a, 10, 100)).toBe(true) // 0.1 s: 10 bytes of allowance back
    expect(budget.spend({ host: '10.0.0.9' }, 101, 100)).toBe(false)
    budget.prove('10.0.0.9')
    expect(budget.spend({ host: '10.0.0.9' }, 60_000, 100)).toBe(true)
    budget.forget('10.0.0.9')
    expect(budget.spend({ host: '10.0.0.9' }, 60_000, 100)).toBe(false)
  })

  it('does not let a flood of forged sources earn a victim more than its own slot', () => {
    const budget = new SendBudget({ factor: 3, allowance: 100, slots: 16 })
    const victim = { host: '10.0.0.1' }
    let sent = 0
    for (let i = 0; i < 1000; i++) {
      budget.received({ host: `10.1.${i >> 8}.${i & 255}` }, 1)
      if (budget.spend(victim, 10, 0)) sent += 10
    }
    expect(sent).toBeLessThanOrEqual(100)
  })
})
