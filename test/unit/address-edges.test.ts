import { describe, expect, it } from 'vitest'
import { fresh } from '../helpers/fresh.ts'

// The edges of reading addresses and keying sources. Each module is loaded afresh inside the test
// (see test/helpers/fresh.ts): their patterns and the `::ffff:` prefix are module-level
// constants, which mutation testing reaches only this way.
const loadAddress = () => fresh(() => import('../../core/address.ts'))
const loadSourceKey = () => fresh(() => import('../../core/source-key.ts'))

describe('unmapAddress(): only a whole IPv4 address after ::ffff: is IPv4', () => {
  it.each([
    '1.1.1.1',
    '9.99.199.249',
    '250.251.255.0',
    '240.241.249.200',
    '1.1.1.99',
    '1.1.1.199',
    '1.1.1.240',
    '1.1.1.255',
  ])('::ffff:%s is IPv4', async (v4) => {
    const { unmapAddress } = await loadAddress()
    expect(unmapAddress(`::ffff:${v4}`, 5, 'IPv6')).toEqual({ host: v4, port: 5, family: 'IPv4' })
  })

  it.each(['256.1.1.1', '1.1.1.256', '260.1.1.1', '1.2', '1.2.3.4x', 'x1.2.3.4', '1.2.3.4.5', '01.2.3.4'])(
    '::ffff:%s stays IPv6',
    async (rest) => {
      const { unmapAddress } = await loadAddress()
      expect(unmapAddress(`::ffff:${rest}`, 5, 'IPv6')).toEqual({ host: `::ffff:${rest}`, port: 5, family: 'IPv6' })
    },
  )

  it('maps an IPv4 peer for an IPv6 socket (sendHost), and leaves the rest', async () => {
    const { sendHost } = await loadAddress()
    expect(sendHost({ host: '10.0.0.1', port: 1, family: 'IPv4' }, 'IPv6')).toBe('::ffff:10.0.0.1')
    expect(sendHost({ host: '10.0.0.1', port: 1, family: 'IPv4' }, 'IPv4')).toBe('10.0.0.1')
    expect(sendHost({ host: '::1', port: 1, family: 'IPv6' }, 'IPv6')).toBe('::1')
    expect(sendHost({ host: '::1', port: 1, family: 'IPv6' }, 'IPv4')).toBe('::1')
  })
})

describe('parseHostPort(): text around a form is no form', () => {
  it.each(['x[::1]:80', '[::1]:80x', 'h:x80', 'h: 80x'])('%j is not HOST:PORT', async (text) => {
    const { parseHostPort } = await loadAddress()
    expect(parseHostPort(text)).toBeUndefined()
  })
})

describe('sourceHash() and sourceLabel(): edges', () => {
  it('keys ::ffff: without a dotted part by its /64, as any IPv6 address', async () => {
    const { sourceHash, sourceLabel } = await loadSourceKey()
    expect(sourceHash('::ffff:abcd', 11)).toBe(sourceHash('::1', 11))
    expect(sourceLabel({ host: '::ffff:abcd' })).toBe('0:0:0:0::/64')
    expect(sourceHash('::ffff:10.0.0.1', 11)).toBe(sourceHash('10.0.0.1', 11))
    expect(sourceLabel({ host: '::ffff:10.0.0.1' })).toBe('10.0.0.1')
    // A dotted part that is not after ::ffff: is part of an IPv6 address.
    expect(sourceLabel({ host: '1::2:3:4:5:1.2.3.4' })).toBe('1:0:2:3::/64')
  })

  it('gives known values for a known seed (the hash is part of no wire format, but must not drift unseen)', async () => {
    const { sourceHash } = await loadSourceKey()
    // Worked out by hand from the definition: FNV-style steps over the host or the four groups, then the mix.
    const mix = (h: number) => {
      h ^= h >>> 16
      h = Math.imul(h, 0x85ebca6b)
      h ^= h >>> 13
      return h | 0
    }
    const step = (h: number, x: number) => Math.imul(h ^ x, 0x01000193)
    expect(sourceHash('10.0.0.1', 5)).toBe(mix([...'10.0.0.1'].reduce((h, c) => step(h, c.charCodeAt(0)), 5)))
    expect(sourceHash('2001:db8:1:2::9', 5)).toBe(mix([0x2001, 0xdb8, 1, 2].reduce(step, 5)))
  })

  it('randomSeed() gives 32-bit integers that differ', async () => {
    const { randomSeed } = await loadSourceKey()
    const seeds = Array.from({ length: 8 }, randomSeed)
    expect(seeds.every((s) => Number.isInteger(s) && s >= -(2 ** 31) && s < 2 ** 31)).toBe(true)
    expect(new Set(seeds).size).toBeGreaterThan(1)
  })
})

describe('prefix64(): malformed and rare forms', () => {
  it.each([
    ['9::', [9, 0, 0, 0]],
    ['a:A:f:F::', [10, 10, 15, 15]],
    ['1+::', [1, 0, 0, 0]],
    ['1@::', [1, 0, 0, 0]],
    ['1:2:3%zone', [1, 2, 3, 0]],
    ['1:2:3%zone::', [1, 2, 3, 0]],
    ['1:2:3::4:5:6:7:8', [1, 2, 3, 0]],
    ['1.2.3.4::', [0, 0, 0, 0]],
  ])('%s reads as %j', async (host, groups) => {
    const { prefix64 } = await loadSourceKey()
    expect(prefix64(host)).toEqual(groups)
  })
})
