import type { Address } from './address.ts'

const MAPPED = '::ffff:'

/**
 * A seeded 32-bit hash of a source: its IPv4 address, or the /64 prefix of its IPv6 address (one
 * host usually holds a whole /64, so per-address limits would be no limit there), never its port.
 * The seed is random per process, so a sender cannot pick addresses that collide on purpose.
 * Constant work per call: a walk over the host string, no allocation for IPv4.
 */
export function sourceHash(host: string, seed: number): number {
  let h = seed
  if (host.indexOf(':') === -1) {
    for (let i = 0; i < host.length; i++) h = Math.imul(h ^ host.charCodeAt(i), 0x01000193)
  } else if (host.startsWith(MAPPED) && host.indexOf('.') !== -1) {
    for (let i = MAPPED.length; i < host.length; i++) h = Math.imul(h ^ host.charCodeAt(i), 0x01000193)
  } else {
    const groups = prefix64(host)
    for (let i = 0; i < 4; i++) h = Math.imul(h ^ groups[i]!, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h | 0
}

/** The first four 16-bit groups of an IPv6 address (its /64), whatever way it is written. */
export function prefix64(host: string): number[] {
  const zone = host.indexOf('%')
  const text = zone === -1 ? host : host.slice(0, zone)
  const gap = text.indexOf('::')
  const head = (gap === -1 ? text : text.slice(0, gap)).split(':').filter(Boolean)
  const tail =
    gap === -1
      ? []
      : text
          .slice(gap + 2)
          .split(':')
          .filter(Boolean)
  // An IPv4 tail (`::1.2.3.4`) is two groups.
  const size = (parts: string[]) => parts.reduce((n, part) => n + (part.includes('.') ? 2 : 1), 0)
  const groups: number[] = head.map((part) => parseInt(part, 16) || 0)
  for (let fill = 8 - size(head) - size(tail); fill > 0 && groups.length < 4; fill--) groups.push(0)
  for (const part of tail) if (groups.length < 4) groups.push(parseInt(part, 16) || 0)
  while (groups.length < 4) groups.push(0)
  return groups.slice(0, 4)
}

/** A random seed for `sourceHash`. */
export function randomSeed(): number {
  return (Math.random() * 0x1_0000_0000) | 0
}

/**
 * The source an address belongs to, as `sourceHash` keys it: the IPv4 address (also when written
 * IPv4-mapped, `::ffff:1.2.3.4`), or the IPv6 /64 as `2001:db8:1:2::/64`. For counts kept per
 * source (the relay's members per address) and for messages.
 */
export function sourceLabel(address: Pick<Address, 'host'>): string {
  const { host } = address
  if (host.indexOf(':') === -1) return host
  if (host.startsWith(MAPPED) && host.indexOf('.') !== -1) return host.slice(MAPPED.length)
  const groups = prefix64(host)
  return `${groups.map((g) => g.toString(16)).join(':')}::/64`
}
