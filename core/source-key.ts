import type { Address } from './address.ts'

const MAPPED = '::ffff:'
const COLON = 58
const DOT = 46

/**
 * A seeded 32-bit hash of a source: its IPv4 address, or the /64 prefix of its IPv6 address (one
 * host usually holds a whole /64, so per-address limits would be no limit there), never its port.
 * The seed is random per process, so a sender cannot pick addresses that collide on purpose.
 * Constant work per call: a walk over the host string, and no allocation for either family.
 */
export function sourceHash(host: string, seed: number): number {
  let h = seed
  if (host.indexOf(':') === -1) {
    for (let i = 0; i < host.length; i++) h = Math.imul(h ^ host.charCodeAt(i), 0x01000193)
  } else if (host.startsWith(MAPPED) && host.indexOf('.') !== -1) {
    for (let i = MAPPED.length; i < host.length; i++) h = Math.imul(h ^ host.charCodeAt(i), 0x01000193)
  } else {
    readPrefix(host)
    for (let i = 0; i < 4; i++) h = Math.imul(h ^ scratch[i]!, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h | 0
}

/** The first four 16-bit groups of an IPv6 address (its /64), whatever way it is written. */
export function prefix64(host: string): number[] {
  readPrefix(host)
  return [scratch[0]!, scratch[1]!, scratch[2]!, scratch[3]!]
}

// The groups `readPrefix` read last: one array for the process, so hashing allocates nothing.
const scratch = new Int32Array(4)

/**
 * Reads the /64 of an IPv6 address into `scratch`, in place: the groups before `::` from the
 * start, those after it from the end (an IPv4 part, `::1.2.3.4`, is two groups), the gap zeros.
 * Malformed text gives some groups, never a throw.
 */
function readPrefix(host: string): void {
  scratch.fill(0)
  let end = host.indexOf('%')
  if (end === -1) end = host.length
  let gap = host.indexOf('::')
  if (gap >= end) gap = -1
  const head = readGroups(host, 0, gap === -1 ? end : gap, 0)
  if (gap === -1) return
  const tail = readGroups(host, gap + 2, end, 4) - 4
  if (head + tail < 8) readGroups(host, gap + 2, end, 8 - tail)
}

/**
 * Writes the groups between `from` and `to` to `scratch` from position `at` (those past 3 are
 * only counted); returns the position after them.
 */
function readGroups(host: string, from: number, to: number, at: number): number {
  let value = 0
  let digits = 0
  let dotted = false
  for (let i = from; i <= to; i++) {
    const c = i === to ? COLON : host.charCodeAt(i)
    if (c === COLON) {
      if (digits === 0 && !dotted) continue
      if (at < 4 && !dotted) scratch[at] = value
      at += dotted ? 2 : 1
      value = digits = 0
      dotted = false
    } else if (c === DOT) dotted = true
    else if (!dotted) {
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1
      if (d !== -1) value = ((value << 4) | d) & 0xffff
      digits++
    }
  }
  return at
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
