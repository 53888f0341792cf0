// node:dgram resolves every destination through dns.lookup, a tick later even for an IP literal
// (a nextTick, a closure and a RegExp per datagram; bench group `breakdown`). The benchmarks'
// raw servers send only to IPv4 literals: this answers them at once, as the chat's Node adapter does.
type Lookup = (
  host: string,
  family: unknown,
  done: (error: Error | null, address: string, family: number) => void,
) => void

/** A `lookup` for `dgram.createSocket` that hands an IPv4 literal back as it is. */
export const syncLookup: Lookup = (host, _family, done) => done(null, host, 4)
