import type { Address } from '../core/index.ts'

/**
 * The part of an address one party controls: the IPv4 address, or the IPv6 /64 (a host is
 * handed a whole /64 and can pick any address in it, so a limit per IPv6 address limits nothing).
 */
export function sourceOf(address: Pick<Address, 'host'>): string {
  const { host } = address
  if (!host.includes(':')) return host
  return `${expandIpv6(host).slice(0, 4).join(':')}::/64`
}

/** The eight groups of an IPv6 address, `::` filled in (a zone such as `%eth0` left out). */
function expandIpv6(host: string): string[] {
  const bare = host.split('%')[0]!.toLowerCase()
  const [head = '', tail] = bare.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const missing = tail === undefined ? 0 : 8 - left.length - right.length
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((group) =>
    group.replace(/^0+(?=.)/, ''),
  )
}
