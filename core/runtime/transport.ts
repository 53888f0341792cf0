import { familyOf, formatAddress } from '../address.ts'
import { ChatError, describeError } from '../errors.ts'
import type { RawSocket, RuntimeKey, UdpAdapter, UdpSocket, UdpTransport } from './types.ts'
import { bindError, lookupError, sendError, type CodedError } from './_errors.ts'

/**
 * The one wrapper around every adapter: it owns the closed-socket guard and turns each runtime
 * error (bind, send, lookup) into a ChatError with a one-line message, so an adapter supplies
 * primitives and nothing else. `load` runs at the first bind or lookup: a runtime's module is
 * imported only on that runtime.
 */
export function createTransport(
  runtime: RuntimeKey | 'memory',
  load: () => UdpAdapter | Promise<UdpAdapter>,
): UdpTransport {
  let adapter: UdpAdapter | undefined
  const ready = async () => (adapter ??= await load())
  return {
    runtime,
    async bind(options) {
      const primitives = adapter ?? (await ready())
      try {
        return guard(await primitives.bind(options))
      } catch (error) {
        throw bindError(error as CodedError, options)
      }
    },
    async lookup(host) {
      const primitives = adapter ?? (await ready())
      const family = familyOf(primitives.isIP(host))
      if (family) return { host, family }
      try {
        return await primitives.lookup(host)
      } catch (error) {
        throw lookupError(error as CodedError, host)
      }
    },
    localHosts: () => adapter?.interfaces() ?? [],
  }
}

function guard(raw: RawSocket): UdpSocket {
  let closed = false
  const { addMembership, dropMembership, setMulticastInterface, setMulticastTTL, setMulticastLoopback } = raw
  const openLane = raw.openLane?.bind(raw)
  return {
    // Multicast as the runtime offers it (each bound to its socket), or not at all.
    addMembership: addMembership?.bind(raw),
    dropMembership: dropMembership?.bind(raw),
    setMulticastInterface: setMulticastInterface?.bind(raw),
    setMulticastTTL: setMulticastTTL?.bind(raw),
    setMulticastLoopback: setMulticastLoopback?.bind(raw),
    local: raw.local,
    send(data, to, done) {
      if (closed) return done(new ChatError('E_SEND', 'The socket is closed'))
      raw.send(data, to, (error) => done(error ? sendError(error, data.byteLength, to) : undefined))
    },
    close() {
      if (closed) return Promise.resolve()
      closed = true
      return raw.close()
    },
    openLane:
      openLane &&
      (async (peer) => {
        const why = (reason: string) => new ChatError('E_BIND', `No lane for ${formatAddress(peer)}: ${reason}`)
        if (closed) throw why('the socket is closed')
        try {
          return await openLane(peer)
        } catch (error) {
          throw why(describeError(error))
        }
      }),
  }
}
