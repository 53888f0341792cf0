import { formatAddress, ipFamily, isWildcard } from './address.ts'
import { ChatError } from './errors.ts'
import { bindError, MAX_DATAGRAM, type CodedError } from './runtime/_errors.ts'
import type { Address, BindOptions, DatagramHandler, UdpSocket, UdpTransport } from './runtime/types.ts'

/** A UDP network in memory: sockets bound on it reach each other, nothing touches the OS. */
export interface MemoryNetwork {
  /** The transport to give `createChat`: every socket it binds lives on this network. */
  readonly transport: UdpTransport
  /** Binds a socket directly (a test peer), at once; port 0 picks a free one. */
  bindNow(options: BindOptions): UdpSocket
  /** Hands a datagram to whatever socket is bound at `to`, at once; false when nothing is. */
  deliver(data: Uint8Array, from: Address, to: Address): boolean
  /** Datagrams sent but not handed over yet (they are handed over in a microtask). */
  readonly pending: number
  /** Datagrams sent to an address nobody was bound to (lost, as UDP loses them). */
  readonly lost: Array<{ data: Uint8Array; from: Address; to: Address }>
}

const key = (host: string, port: number) => `${host}|${port}`

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

  function bindNow(options: BindOptions): UdpSocket {
    const family = ipFamily(options.host) ?? (options.host === 'localhost' ? 'IPv4' : undefined)
    if (!family) throw new ChatError('E_RESOLVE', `Cannot bind ${formatAddress(options)}: the memory network knows only IP addresses`)
    const host = options.host === 'localhost' ? '127.0.0.1' : options.host
    let port = options.port
    if (port === 0) while (bound.has(key(host, (port = nextPort++))));
    if (bound.has(key(host, port))) {
      throw bindError(coded('EADDRINUSE'), { host, port })
    }
    const local: Address = { host, port, family }
    // A socket bound to the wildcard sends from the loopback address, as seen by its peers.
    const from: Address = isWildcard(host) ? { host: family === 'IPv6' ? '::1' : '127.0.0.1', port, family } : local
    bound.set(key(host, port), options.onDatagram)
    let closed = false
    return {
      local,
      send(data, to, done) {
        if (closed) return done(new ChatError('E_SEND', 'The socket is closed'))
        if (data.byteLength > MAX_DATAGRAM) {
          return done(coded('EMSGSIZE')) // the chat turns it into its E_MSG_SIZE line
        }
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

  const transport: UdpTransport = {
    runtime: 'node',
    bind: async (options) => bindNow(options),
    async lookup(host) {
      const family = ipFamily(host)
      if (family) return { host, family }
      if (host === 'localhost') return { host: '127.0.0.1', family: 'IPv4' }
      throw new ChatError('E_RESOLVE', `Cannot resolve host \`${host}\` (the memory network knows only IP addresses)`)
    },
    localHosts: () => ['127.0.0.1', '::1'],
  }

  return {
    transport,
    bindNow,
    deliver,
    get pending() {
      return pending
    },
    lost,
  }
}

/** The error a real socket would give, so the memory network reports it in the same words. */
function coded(code: string): CodedError {
  return Object.assign(new Error(code), { code })
}
