import { describe, expect, it } from 'vitest'
import { ChatError, describeError, isChatError } from '../../core/errors.ts'
import { bindError, lookupError, sendError, type CodedError } from '../../core/runtime/_errors.ts'
import { parseGroup } from '../../core/runtime/group.ts'

// The one-line messages a user sees when a runtime's socket fails, per error code: the same
// words on Node, Deno and Bun, because every adapter's error goes through these.
const coded = (code: string | undefined, message = 'raw runtime text'): CodedError =>
  Object.assign(new Error(message), code ? { code } : {})
const v4 = { host: '10.0.0.1', port: 7788, family: 'IPv4' as const }
const v6 = { host: '::1', port: 7788, family: 'IPv6' as const }

describe('sendError()', () => {
  it.each([
    [
      'EMSGSIZE',
      'E_MSG_SIZE',
      'Not sent to 10.0.0.1:7788: 70000 bytes is more than one UDP datagram can carry (65507)',
    ],
    ['ECONNREFUSED', 'E_SEND', 'Nobody is listening at 10.0.0.1:7788 (ECONNREFUSED)'],
    ['ENOTFOUND', 'E_RESOLVE', 'Not sent: host `10.0.0.1` does not resolve'],
    ['EAI_AGAIN', 'E_RESOLVE', 'Not sent: host `10.0.0.1` does not resolve'],
    ['ENETUNREACH', 'E_SEND', 'Not sent to 10.0.0.1:7788: no route to that network (ENETUNREACH)'],
    ['EHOSTUNREACH', 'E_SEND', 'Not sent to 10.0.0.1:7788: no route to that network (EHOSTUNREACH)'],
    [
      'EACCES',
      'E_SEND',
      'Not sent to 10.0.0.1:7788: permission denied (a broadcast address needs SO_BROADCAST, which this socket does not have)',
    ],
    [
      'EINVAL',
      'E_SEND',
      'Not sent to 10.0.0.1:7788: this socket cannot reach that address family (bind with --host :: for IPv6)',
    ],
    [
      'EAFNOSUPPORT',
      'E_SEND',
      'Not sent to 10.0.0.1:7788: this socket cannot reach that address family (bind with --host :: for IPv6)',
    ],
    ['EPIPE', 'E_SEND', 'Not sent to 10.0.0.1:7788: raw runtime text'],
  ])('%s: %s, one line saying what to do', (code, chatCode, message) => {
    const cause = coded(code)
    const error = sendError(cause, 70_000, v4)
    expect([error.code, error.message]).toEqual([chatCode, message])
    expect(error.cause).toBe(cause)
  })

  it("reads Deno's lookup failure (no code) as a host that does not resolve", () => {
    const error = sendError(coded(undefined, 'Failed to lookup address information: nodename'), 5, v4)
    expect([error.code, error.message]).toEqual(['E_RESOLVE', 'Not sent: host `10.0.0.1` does not resolve'])
  })

  it('names an IPv6 peer in brackets and passes a ChatError through unchanged', () => {
    expect(sendError(coded('ECONNREFUSED'), 5, v6).message).toBe('Nobody is listening at [::1]:7788 (ECONNREFUSED)')
    const own = new ChatError('E_SEND', 'The socket is closed')
    expect(sendError(own, 5, v4)).toBe(own)
  })
})

describe('bindError()', () => {
  const at = { host: '127.0.0.1', port: 80 }
  it.each([
    [
      'EADDRINUSE',
      'E_ADDR_IN_USE',
      'Port 80 on 127.0.0.1 is already in use (127.0.0.1:80); choose another with --port, or --port 0 for any free port',
    ],
    ['EADDRNOTAVAIL', 'E_BIND', 'Cannot bind 127.0.0.1:80: 127.0.0.1 is not an address of this machine'],
    ['EACCES', 'E_BIND', 'Cannot bind 127.0.0.1:80: permission denied (ports below 1024 need privileges)'],
    ['ENOTFOUND', 'E_RESOLVE', 'Cannot bind 127.0.0.1:80: host `127.0.0.1` does not resolve'],
    ['EAI_AGAIN', 'E_RESOLVE', 'Cannot bind 127.0.0.1:80: host `127.0.0.1` does not resolve'],
    ['ENOENT', 'E_RESOLVE', 'Cannot bind 127.0.0.1:80: host `127.0.0.1` does not resolve'],
    ['EPERM', 'E_BIND', 'Cannot bind 127.0.0.1:80: raw runtime text'],
  ])('%s: %s', (code, chatCode, message) => {
    const cause = coded(code)
    const error = bindError(cause, at)
    expect([error.code, error.message]).toEqual([chatCode, message])
    expect(error.cause).toBe(cause)
  })

  it('passes a ChatError through unchanged', () => {
    const own = new ChatError('E_BIND', 'no multicast')
    expect(bindError(own, at)).toBe(own)
  })
})

describe('lookupError()', () => {
  it('names the host and the code, or the message when there is no code', () => {
    expect(lookupError(coded('ENOTFOUND'), 'nowhere.invalid').message).toBe(
      'Cannot resolve host `nowhere.invalid` (ENOTFOUND)',
    )
    const plain = lookupError(coded(undefined, 'no such host\nsecond line'), 'x')
    expect([plain.code, plain.message]).toEqual(['E_RESOLVE', 'Cannot resolve host `x` (no such host)'])
    const own = new ChatError('E_RESOLVE', 'mine')
    expect(lookupError(own, 'x')).toBe(own)
  })
})

describe('describeError() and isChatError()', () => {
  it('gives the first line of a message, the name when the message is empty, or the thrown value as text', () => {
    expect(describeError(new Error('one\ntwo'))).toBe('one')
    expect(describeError(new TypeError(''))).toBe('TypeError')
    expect(describeError(42)).toBe('42')
    expect(describeError('text')).toBe('text')
  })

  it('knows a ChatError by its name and code, also one from another copy of the package', () => {
    expect(isChatError(new ChatError('E_SEND', 'x'))).toBe(true)
    const foreign = Object.assign(new Error('x'), { name: 'ChatError', code: 'E_SEND' })
    expect(isChatError(foreign)).toBe(true)
    expect(isChatError(Object.assign(new Error('x'), { name: 'ChatError' }))).toBe(false)
    expect(isChatError(Object.assign(new Error('x'), { code: 'E_SEND' }))).toBe(false)
    expect(isChatError({ name: 'ChatError', code: 'E_SEND' })).toBe(false)
  })
})

describe('parseGroup()', () => {
  it('takes an IPv4 multicast group 224.0.0.0-239.255.255.255, or ff00::/8, with a port', () => {
    expect(parseGroup('239.1.2.3:5000')).toEqual({ host: '239.1.2.3', port: 5000, family: 'IPv4' })
    expect(parseGroup('224.0.0.1:1')).toEqual({ host: '224.0.0.1', port: 1, family: 'IPv4' })
    expect(parseGroup('[ff02::1234]:5000')).toEqual({ host: 'ff02::1234', port: 5000, family: 'IPv6' })
    expect(parseGroup('[FF05::1]:9')).toEqual({ host: 'FF05::1', port: 9, family: 'IPv6' })
  })

  it.each([
    [
      '223.255.255.255:5000',
      'Expected --group to be a multicast address (224.0.0.0-239.255.255.255 or ff00::/8), got `223.255.255.255`',
    ],
    [
      '240.0.0.1:5000',
      'Expected --group to be a multicast address (224.0.0.0-239.255.255.255 or ff00::/8), got `240.0.0.1`',
    ],
    [
      '[fe80::1]:5000',
      'Expected --group to be a multicast address (224.0.0.0-239.255.255.255 or ff00::/8), got `fe80::1`',
    ],
    ['239.1.2.3:0', 'Expected --group to have a port (1-65535), got 0'],
    ['239.1.2.3:70000', 'Expected --group to have a port (1-65535), got 70000'],
    ['239.1.2.3', 'Expected --group to be a multicast GROUP:PORT such as 239.1.2.3:5000, got `239.1.2.3`'],
    ['room:5000', 'Expected --group to be a multicast GROUP:PORT such as 239.1.2.3:5000, got `room:5000`'],
  ])('refuses %s with a usage error', (text, message) => {
    expect(() => parseGroup(text)).toThrow(message)
    expect(() => parseGroup(text, 'the group')).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: message.replace('--group', 'the group') }),
    )
  })
})
