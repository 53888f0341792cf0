import dgram from 'node:dgram'
import { lookup as dnsLookupCallback } from 'node:dns'
import { lookup as dnsLookup } from 'node:dns/promises'
import { networkInterfaces } from 'node:os'
import { ipFamily, sendHost, unmapAddress } from '../address.ts'
import { ChatError, describeError } from '../errors.ts'
import type { Address, BindOptions, SendCallback, UdpSocket, UdpTransport } from './types.ts'
import { bindError } from './_errors.ts'

/** The transport on Node: `node:dgram`. Deno and Bun can use it too, through their Node compatibility. */
export const nodeTransport: UdpTransport = {
  runtime: 'node',
  bind: bindNode,
  async lookup(host) {
    const family = ipFamily(host)
    if (family) return { host, family }
    try {
      const found = await dnsLookup(host)
      return { host: found.address, family: found.family === 6 ? 'IPv6' : 'IPv4' }
    } catch (error) {
      throw new ChatError('E_RESOLVE', `Cannot resolve host \`${host}\` (${(error as NodeJS.ErrnoException).code ?? describeError(error)})`, { cause: error })
    }
  },
  localHosts() {
    return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))
  },
}

// node:dgram resolves every destination through dns.lookup, which answers even an IP literal on
// the next tick; the chat only ever sends to addresses, so answer those at once. Replies mostly
// go to the host of the one before, so the last answer is kept rather than tested again.
let lastHost = ''
let lastFamily = 4
const literalLookup: NonNullable<dgram.SocketOptions['lookup']> = (host, options, done) => {
  if (host === lastHost) return done(null, host, lastFamily)
  const family = ipFamily(host)
  if (!family) return dnsLookupCallback(host, options, done)
  lastHost = host
  lastFamily = family === 'IPv6' ? 6 : 4
  done(null, host, lastFamily)
}

function bindNode(options: BindOptions): Promise<UdpSocket> {
  const family = ipFamily(options.host) === 'IPv6' ? 'udp6' : 'udp4'
  const socket = dgram.createSocket({ type: family, recvBufferSize: options.recvBufferSize, reuseAddr: options.reuseAddr, lookup: literalLookup })
  const { onDatagram, onError } = options

  return new Promise((resolve, reject) => {
    const failBind = (error: NodeJS.ErrnoException) => {
      socket.close()
      reject(bindError(error, options))
    }
    socket.once('error', failBind)
    socket.bind(options.port, options.host, () => {
      socket.off('error', failBind)
      // The tutorials' sockets set SO_BROADCAST to broadcast; ours has it from the start (Deno's always has).
      if (options.broadcast !== false) socket.setBroadcast(true)
      socket.on('error', (error) => onError(error))
      socket.on('message', (data, rinfo) => onDatagram(data, unmapAddress(rinfo.address, rinfo.port, rinfo.family)))
      const bound = socket.address()
      const local: Address = { host: bound.address, port: bound.port, family: bound.family === 'IPv6' ? 'IPv6' : 'IPv4' }
      resolve(createNodeSocket(socket, local))
    })
  })
}

function createNodeSocket(socket: dgram.Socket, local: Address): UdpSocket {
  let closed = false
  // Datagrams wait here for the end of this turn of the event loop, then leave back to back: a
  // peer waiting for several replies is woken once for all of them rather than once each, which
  // on a 2-core machine took the echo benchmark from 0.6-0.8 of raw node:dgram to 0.9-1.0.
  // Three entries per datagram (data, to, done), so that queueing allocates nothing.
  const outbox: Array<Uint8Array | Address | SendCallback> = []
  let scheduled = false
  const sendAll = () => {
    // Read the length each time round: a send made meanwhile goes in this batch too.
    for (let i = 0; i < outbox.length; i += 3) {
      const to = outbox[i + 1] as Address
      const done = outbox[i + 2] as SendCallback
      try {
        socket.send(outbox[i] as Uint8Array, to.port, sendHost(to, local.family), done)
      } catch (error) {
        done(error as Error) // a port out of range, say: node:dgram throws rather than calling back
      }
    }
    outbox.length = 0
    scheduled = false
  }
  return {
    local,
    send(data, to, done) {
      if (closed) return done(new ChatError('E_SEND', 'The socket is closed'))
      outbox.push(data, to, done)
      if (!scheduled) {
        scheduled = true
        setImmediate(sendAll)
      }
    },
    close() {
      if (closed) return Promise.resolve()
      sendAll()
      closed = true
      return new Promise((resolve) => socket.close(() => resolve()))
    },
    addMembership: (group, iface) => socket.addMembership(group, iface),
    dropMembership: (group, iface) => socket.dropMembership(group, iface),
    setMulticastInterface: (iface) => socket.setMulticastInterface(iface),
    setMulticastTTL: (ttl) => void socket.setMulticastTTL(ttl),
    setMulticastLoopback: (on) => void socket.setMulticastLoopback(on),
  }
}
