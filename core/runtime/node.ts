import dgram from 'node:dgram'
import { lookup as dnsLookupCallback } from 'node:dns'
import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { sendHost, unmapAddress, type Address, type IpVersion } from '../address.ts'
import type { BindOptions, RawSendCallback, RawSocket, UdpAdapter } from './types.ts'

/** The primitives on Node: `node:dgram`, `node:dns`, `node:os`. */
export const nodeAdapter: UdpAdapter = {
  bind: bindNode,
  async lookup(host) {
    const found = await dnsLookup(host)
    return { host: found.address, family: found.family === 6 ? 'IPv6' : 'IPv4' }
  },
  interfaces() {
    return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))
  },
  isIP: (host) => isIP(host) as IpVersion,
}

// node:dgram resolves every destination through dns.lookup, which answers even an IP literal on
// the next tick; the chat only ever sends to addresses, so answer those at once. Replies mostly
// go to the host of the one before, so the last answer is kept rather than tested again.
let lastHost = ''
let lastFamily = 4
const literalLookup: NonNullable<dgram.SocketOptions['lookup']> = (host, options, done) => {
  if (host === lastHost) return done(null, host, lastFamily)
  const version = isIP(host)
  if (version === 0) return dnsLookupCallback(host, options, done)
  lastHost = host
  lastFamily = version
  done(null, host, lastFamily)
}

/**
 * Binds a node:dgram socket; Deno without `--unstable-net` uses it too, through its Node layer.
 * A bind failure rejects with node's own error.
 */
export function bindNode(options: BindOptions): Promise<RawSocket> {
  const type = isIP(options.host) === 6 ? 'udp6' : 'udp4'
  const { recvBufferSize, reuseAddr } = options
  const socket = dgram.createSocket({ type, recvBufferSize, reuseAddr, lookup: literalLookup })
  const { onDatagram, onError } = options

  return new Promise((resolve, reject) => {
    const failBind = (error: Error) => {
      socket.close()
      reject(error)
    }
    socket.once('error', failBind)
    socket.bind(options.port, options.host, () => {
      socket.off('error', failBind)
      // The tutorials' sockets set SO_BROADCAST to broadcast; ours has it from the start (Deno's always has).
      if (options.broadcast !== false) socket.setBroadcast(true)
      socket.on('error', (error) => onError(error))
      socket.on('message', (data, rinfo) => onDatagram(data, unmapAddress(rinfo.address, rinfo.port, rinfo.family)))
      const bound = socket.address()
      const local: Address = {
        host: bound.address,
        port: bound.port,
        family: bound.family === 'IPv6' ? 'IPv6' : 'IPv4',
      }
      resolve(createNodeSocket(socket, local))
    })
  })
}

function createNodeSocket(socket: dgram.Socket, local: Address): RawSocket {
  // Datagrams wait here for the end of this turn of the event loop, then leave back to back: a
  // peer waiting for several replies is woken once for all of them rather than once each
  // (measured in bench/NOTES.md). Three entries per datagram (data, to, done) in the first
  // `queued` places; the array keeps its size from batch to batch, so that queueing allocates
  // nothing, and its places are emptied after each batch, so that it keeps no datagram alive.
  const outbox: Array<Uint8Array | Address | RawSendCallback | undefined> = []
  let queued = 0
  let scheduled = false
  const sendAll = () => {
    // Read the count each time round: a send made meanwhile goes in this batch too.
    for (let i = 0; i < queued; i += 3) {
      const to = outbox[i + 1] as Address
      const done = outbox[i + 2] as RawSendCallback
      try {
        socket.send(outbox[i] as Uint8Array, to.port, sendHost(to, local.family), done)
      } catch (error) {
        done(error as Error) // a port out of range, say: node:dgram throws rather than calling back
      }
    }
    outbox.fill(undefined, 0, queued)
    queued = 0
    scheduled = false
  }
  return {
    local,
    send(data, to, done) {
      outbox[queued] = data
      outbox[queued + 1] = to
      outbox[queued + 2] = done
      queued += 3
      if (!scheduled) {
        scheduled = true
        setImmediate(sendAll)
      }
    },
    close() {
      sendAll()
      return new Promise((resolve) => socket.close(() => resolve()))
    },
    addMembership: (group, iface) => socket.addMembership(group, iface),
    dropMembership: (group, iface) => socket.dropMembership(group, iface),
    setMulticastInterface: (iface) => socket.setMulticastInterface(iface),
    setMulticastTTL: (ttl) => void socket.setMulticastTTL(ttl),
    setMulticastLoopback: (on) => void socket.setMulticastLoopback(on),
  }
}
