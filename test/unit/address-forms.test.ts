import { describe, expect, it } from 'vitest'
import {
  familyOf,
  formatAddress,
  isLoopback,
  isWildcard,
  parseHostPort,
  parsePort,
  unmapAddress,
} from '../../core/address.ts'

// How addresses are read and written: the forms a user types, the forms a socket reports.
describe('unmapAddress()', () => {
  it('shows an IPv4 peer seen through a dual-stack socket as IPv4', () => {
    expect(unmapAddress('::ffff:10.0.0.1', 5, 'IPv6')).toEqual({ host: '10.0.0.1', port: 5, family: 'IPv4' })
    expect(unmapAddress('::ffff:255.255.255.255', 5, 'IPv6')).toEqual({
      host: '255.255.255.255',
      port: 5,
      family: 'IPv4',
    })
  })

  it('leaves a mapped prefix that is not followed by an IPv4 address alone, as IPv6', () => {
    for (const host of ['::ffff:10.0.0.256', '::ffff:1.2.3', '::ffff:abcd', '::ffff:01.2.3.4x', 'x::ffff:1.2.3.4']) {
      expect(unmapAddress(host, 5, 'IPv6')).toEqual({ host, port: 5, family: 'IPv6' })
    }
  })

  it("reads the family as a runtime names it: 'IPv6' or 6 (older Node), anything else is IPv4", () => {
    expect(unmapAddress('::1', 1, '6').family).toBe('IPv6')
    expect(unmapAddress('::1', 1, 'IPv6').family).toBe('IPv6')
    expect(unmapAddress('10.0.0.1', 1, 'IPv4').family).toBe('IPv4')
    expect(unmapAddress('10.0.0.1', 1, '4').family).toBe('IPv4')
  })
})

describe('familyOf(), formatAddress(), isWildcard(), isLoopback()', () => {
  it('names the family of 4 and 6, and nothing for 0', () => {
    expect([familyOf(4), familyOf(6), familyOf(0)]).toEqual(['IPv4', 'IPv6', undefined])
  })

  it('writes IPv6 hosts in brackets and everything else as host:port', () => {
    expect(formatAddress({ host: '::1', port: 7788 })).toBe('[::1]:7788')
    expect(formatAddress({ host: '10.0.0.1', port: 7788 })).toBe('10.0.0.1:7788')
    expect(formatAddress({ host: 'localhost', port: 1 })).toBe('localhost:1')
  })

  it('knows the wildcard and loopback hosts, and nothing else', () => {
    expect(['0.0.0.0', '::', '127.0.0.1', '::1'].map(isWildcard)).toEqual([true, true, false, false])
    expect(['127.0.0.1', '127.9.9.9', '::1', 'localhost', '10.0.0.1', '::', '1127.0.0.1'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ])
  })
})

describe('parsePort()', () => {
  it('takes 0-65535 as a number or digits', () => {
    expect([parsePort(0), parsePort(65535), parsePort('7788'), parsePort('0')]).toEqual([0, 65535, 7788, 0])
  })

  it.each([[-1], [65536], [1.5], ['7788x'], [' 7788'], ['-1'], [''], ['1e3'], ['65536']])(
    'refuses %j with a usage error naming what it is',
    (value) => {
      expect(() => parsePort(value, '--port')).toThrow(
        expect.objectContaining({
          code: 'E_USAGE',
          message: `Expected --port to be an integer 0-65535, got \`${value}\``,
        }),
      )
    },
  )

  it('calls it the port by default', () => {
    expect(() => parsePort(-1)).toThrow('Expected port to be an integer 0-65535, got `-1`')
  })
})

describe('parseHostPort(): the forms a target is typed in', () => {
  it.each([
    [' 10.0.0.1:80 ', { host: '10.0.0.1', port: 80 }],
    ['[2001:db8::1]:0', { host: '2001:db8::1', port: 0 }],
    ['host.example:65535', { host: 'host.example', port: 65535 }],
    [':80', undefined],
    ['a:b:80', undefined],
    ['[::1]80', undefined],
    ['[::1]:', undefined],
    ['10.0.0.1:', undefined],
    ['10.0.0.1:8x', undefined],
    ['x10.0.0.1:80x', undefined],
    ['', undefined],
  ])('reads %j', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected)
  })

  it('names the target and its port range in its errors, for each form', () => {
    for (const text of ['70000', '[::1]:70000', 'h:70000']) {
      expect(() => parseHostPort(text)).toThrow(`Cannot send to \`${text}\`: a target's port is 1-65535`)
    }
  })
})
