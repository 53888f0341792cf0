import { ChatError } from './errors.ts'

/** An IPv4 or IPv6 socket address. */
export interface Address {
  host: string
  port: number
  family: 'IPv4' | 'IPv6'
}

/** What a runtime's `isIP` answers: 4, 6, or 0 for anything that is not an IP address. */
export type IpVersion = 0 | 4 | 6

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/
const MAPPED = '::ffff:'

/** The family of an IP version, `undefined` for 0 (a host name, or nothing at all). */
export function familyOf(version: IpVersion): Address['family'] | undefined {
  return version === 4 ? 'IPv4' : version === 6 ? 'IPv6' : undefined
}

/**
 * Whether a plugin's value can stand where the engine needs an address: `host` a string and
 * `port` a number (a bad host or port is then the socket's error, reported; `family` may be left out).
 */
export function isAddress(value: unknown): value is Address {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Address).host === 'string' &&
    typeof (value as Address).port === 'number'
  )
}

/** An address as people write it: `1.2.3.4:7788`, `[::1]:7788`. */
export function formatAddress(address: Pick<Address, 'host' | 'port'>): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}

/** Where a socket of `family` sends to reach `to`: an IPv6 socket reaches IPv4 peers at their v4-mapped address. */
export function sendHost(to: Address, family: Address['family']): string {
  return family === 'IPv6' && to.family === 'IPv4' ? MAPPED + to.host : to.host
}

/** IPv4 peers seen through a dual-stack socket appear as `::ffff:a.b.c.d`; show them as IPv4. */
export function unmapAddress(host: string, port: number, family: string): Address {
  if (host.startsWith(MAPPED) && IPV4.test(host.slice(MAPPED.length))) {
    return { host: host.slice(MAPPED.length), port, family: 'IPv4' }
  }
  return { host, port, family: family === 'IPv6' || family === '6' ? 'IPv6' : 'IPv4' }
}

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

export function isLoopback(host: string): boolean {
  return host.startsWith('127.') || host === '::1' || host === 'localhost'
}

/** A port number 0-65535 from a string or number, or a ChatError naming `what`. */
export function parsePort(value: string | number, what = 'port'): number {
  const port = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ChatError('E_USAGE', `Expected ${what} to be an integer 0-65535, got \`${value}\``)
  }
  return port
}

export interface HostPort {
  host: string
  port: number
}

/**
 * Parses `HOST:PORT`, `[IPV6]:PORT` or a bare `PORT` (meaning 127.0.0.1).
 * Returns `undefined` when the text has no port, so a caller can try it as a contact name.
 * Port 0 is returned (its caller says what 0 means there); above 65535 throws `E_TARGET`.
 */
export function parseHostPort(text: string): HostPort | undefined {
  const value = text.trim()
  const port = (digits: string) => {
    if (Number(digits) > 65535) throw badTargetPort(value)
    return Number(digits)
  }
  if (/^\d+$/.test(value)) return { host: '127.0.0.1', port: port(value) }
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(value)
  if (bracketed) return { host: bracketed[1]!, port: port(bracketed[2]!) }
  const colon = value.lastIndexOf(':')
  if (colon <= 0 || value.indexOf(':') !== colon) return undefined
  const digits = value.slice(colon + 1)
  if (!/^\d+$/.test(digits)) return undefined
  return { host: value.slice(0, colon), port: port(digits) }
}

/** The one message for a target's port out of range: 0 is "any" when binding, and nothing can be sent to it. */
export function badTargetPort(target: string): ChatError {
  return new ChatError('E_TARGET', `Cannot send to \`${target}\`: a target's port is 1-65535`)
}
