import { isIP } from 'node:net'
import { isWildcard, type Address, type IpVersion } from '../address.ts'
import type { BindOptions, DatagramHandler, RawSocket, UdpAdapter, UdpTransport } from './types.ts'
import { createTransport } from './transport.ts'
import { maxDatagram, type CodedError } from './_errors.ts'

/** A UDP network in memory: sockets bound on it reach each other, nothing touches the OS. */
export interface MemoryNetwork {
  /** The transport to give `createChat`: every socket it binds lives on this network. */
  readonly transport: UdpTransport
  /** Binds a socket directly (a test peer), at once; port 0 picks a free one. */
  bindNow(options: BindOptions): RawSocket
  /** Hands a datagram to whatever socket is bound at `to`, at once; false when nothing is. */
  deliver(data: Uint8Array, from: Address, to: Address): boolean
  /** Datagrams sent but not handed over yet (they are handed over in a microtask). */
  readonly pending: number
  /** Datagrams sent to an address nobody was bound to (lost, as UDP loses them). */
  readonly lost: Array<{ data: Uint8Array; from: Address; to: Address }>
}

const key = (host: string, port: number) => `${host}|${port}`
const ONLY_IPS = 'the memory network knows only IP addresses'

/**
 * Creates an in-memory network. Sends are asynchronous like a real socket's (the datagram is
 * handed over in a microtask, never a timer, so fake timers do not hold it up); the send
 * callback runs after the receiver has it.
 */
export function createMemoryNetwork(): MemoryNetwork {
  const bound = new Map<string, DatagramHandler>()
  const lost: MemoryNetwork['lost'] = []
  let nextPort = 40_000
  let pending = 0

  function find(to: Address): DatagramHandler | undefined {
    return bound.get(key(to.host, to.port)) ?? bound.get(key(to.family === 'IPv6' ? '::' : '0.0.0.0', to.port))
  }

  function deliver(data: Uint8Array, from: Address, to: Address): boolean {
    const handler = find(to)
    // The receiver owns what it gets: a copy, as a real socket would hand over.
    if (handler) handler(data.slice(), from)
    else lost.push({ data: data.slice(), from, to })
    return handler !== undefined
  }

  function bindNow(options: BindOptions): RawSocket {
    const host = options.host === 'localhost' ? '127.0.0.1' : options.host
    const version = isIP(host)
    // A real socket's errors, so the transport reports them in the same words.
    if (version === 0) throw coded('ENOTFOUND', ONLY_IPS)
    const family = version === 6 ? 'IPv6' : 'IPv4'
    let port = options.port
    if (port === 0) while (bound.has(key(host, (port = nextPort++))));
    if (bound.has(key(host, port))) throw coded('EADDRINUSE')
    const local: Address = { host, port, family }
    // A socket bound to the wildcard sends from the loopback address, as seen by its peers.
    const from: Address = isWildcard(host) ? { host: family === 'IPv6' ? '::1' : '127.0.0.1', port, family } : local
    bound.set(key(host, port), options.onDatagram)
    let closed = false
    return {
      local,
      send(data, to, done) {
        if (closed) return done(coded('EBADF', 'the socket is closed'))
        if (data.byteLength > maxDatagram(to.family)) return done(coded('EMSGSIZE')) // as the kernel would
        if (!(to.port > 0 && to.port < 65_536))
          return done(coded('ERR_SOCKET_BAD_PORT', `Port should be > 0 and < 65536. Received ${to.port}.`)) // as node:dgram would
        const copy = data.slice()
        pending++
        queueMicrotask(() => {
          pending--
          deliver(copy, from, to)
          done()
        })
      },
      async close() {
        if (closed) return
        closed = true
        bound.delete(key(host, port))
      },
    }
  }

  const adapter: UdpAdapter = {
    bind: async (options) => bindNow(options),
    async lookup(host) {
      if (host === 'localhost') return { host: '127.0.0.1', family: 'IPv4' }
      throw new Error(ONLY_IPS)
    },
    interfaces: () => ['127.0.0.1', '::1'],
    isIP: (host) => isIP(host) as IpVersion,
  }

  return {
    transport: createTransport('memory', () => adapter),
    bindNow,
    deliver,
    get pending() {
      return pending
    },
    lost,
  }
}

function coded(code: string, message = code): CodedError {
  return Object.assign(new Error(message), { code })
}
