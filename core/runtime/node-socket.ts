import dgram from 'node:dgram'
import { lookup as dnsLookupCallback } from 'node:dns'
import { isIP } from 'node:net'
import { sendHost, unmapAddress, type Address } from '../address.ts'
import type { DatagramHandler, Lane, RawSendCallback, RawSocket } from './types.ts'

// A bound node:dgram socket at run time (the Node adapter binds it, node.ts): a turn's datagrams
// in and out, and the lanes.

// node:dgram resolves every destination through dns.lookup, which answers even an IP literal on
// the next tick; the chat only ever sends to addresses, so answer those at once. Replies mostly
// go to the host of the one before, so the last answer is kept rather than tested again.
let lastHost = ''
let lastFamily = 4
export const literalLookup: NonNullable<dgram.SocketOptions['lookup']> = (host, options, done) => {
  if (host === lastHost) return done(null, host, lastFamily)
  const version = isIP(host)
  if (version === 0) return dnsLookupCallback(host, options, done)
  lastHost = host
  lastFamily = version
  done(null, host, lastFamily)
}

/** Binds `socket`; on failure it is closed and the promise rejects with node's error. */
export function bindSocket(socket: dgram.Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      socket.close()
      reject(error)
    }
    socket.once('error', fail)
    socket.bind(port, host, () => {
      socket.off('error', fail)
      resolve()
    })
  })
}

type MessageListener = (data: Buffer, rinfo: dgram.RemoteInfo) => void

/**
 * A handler's failure that has nowhere else to go (`onError` itself threw) leaves as an uncaught
 * exception, as it did from node:dgram's callback, without stopping the turn: the turn's other
 * datagrams are still handled and its sends still leave.
 */
function rethrow(failure: unknown): void {
  queueMicrotask(() => {
    throw failure
  })
}

/** The socket `bindNode` bound, as the chat uses it: `onDatagram` hears it, `send` and lanes go through it. */
export function createNodeSocket(
  socket: dgram.Socket,
  local: Address,
  onDatagram: DatagramHandler,
  onError: (error: Error) => void,
  laneType?: dgram.SocketType,
): RawSocket {
  // A turn of the event loop in batches: the datagrams that came in it wait in the inbox, and the
  // ones sent in it in the outbox, until its end (setImmediate); then the inbox is handled, and
  // the outbox leaves back to back. The chat's code runs for one datagram after another while it
  // is in the caches, rather than between each recvmsg and the next, and a peer waiting for
  // several replies is woken once for all of them (both measured in bench/NOTES.md). Each box
  // keeps its size from turn to turn, so that queueing allocates nothing, and its places are
  // emptied after each turn, so that it keeps no datagram alive.
  // Two places per datagram: data, rinfo. libuv reads at most 32 datagrams a socket in a turn, so
  // the inbox holds at most 32 for the socket and each of its lanes (and those a turn left).
  const inbox: Array<Buffer | dgram.RemoteInfo | undefined> = []
  let received = 0
  // Where the next datagram to hand over is: a turn stops early after one whose handling went on
  // in a promise (below).
  let next = 0
  // Three places per datagram: data, to, done.
  const outbox: Array<Uint8Array | Address | RawSendCallback | undefined> = []
  let queued = 0
  let scheduled = false
  const endOfTurn = () => {
    const more = receiveAll()
    sendAll()
    scheduled = false
    if (more) schedule()
  }
  const schedule = () => {
    scheduled = true
    setImmediate(endOfTurn)
  }
  const onMessage: MessageListener = (data, rinfo) => {
    inbox[received] = data
    inbox[received + 1] = rinfo
    received += 2
    if (!scheduled) schedule()
  }
  /** Hands the inbox over; true when datagrams are left for the next turn. */
  const receiveAll = (): boolean => {
    // One clock read for the datagrams libuv read in this turn's poll phase, just before.
    const at = next < received ? Date.now() : 0
    while (next < received) {
      const rinfo = inbox[next + 1] as dgram.RemoteInfo
      const data = inbox[next] as Buffer
      next += 2
      let waits: unknown
      try {
        waits = onDatagram(data, unmapAddress(rinfo.address, rinfo.port, rinfo.family), at)
      } catch (error) {
        report(error) // not the datagram's sender's doing: the rest of the turn's are still handled
      }
      // Node's callback per datagram let promise work run between one datagram and the next: a
      // message whose hook answered with a promise was not overtaken by the next one. The rest
      // wait for the next turn, after that work has run.
      if (waits === true && next < received) return true
    }
    emptyInbox()
    return false
  }
  const emptyInbox = () => {
    inbox.fill(undefined, 0, received)
    received = 0
    next = 0
  }
  const sendAll = () => {
    // Read the count each time round: a send made meanwhile goes in this batch too.
    for (let i = 0; i < queued; i += 3) {
      const to = outbox[i + 1] as Address
      const done = outbox[i + 2] as RawSendCallback
      try {
        socket.send(outbox[i] as Uint8Array, to.port, sendHost(to, local.family), done)
      } catch (error) {
        // A port out of range, say: node:dgram throws rather than calling back.
        try {
          done(error as Error)
        } catch (failure) {
          rethrow(failure)
        }
      }
    }
    outbox.fill(undefined, 0, queued)
    queued = 0
  }
  const report = (error: unknown) => {
    try {
      onError(error instanceof Error ? error : new Error(String(error)))
    } catch (failure) {
      rethrow(failure)
    }
  }
  socket.on('message', onMessage)
  // Each lane is a socket on our address connected to one peer: the system gives a datagram to
  // the socket that matches it most closely, so the peer's datagrams queue on its lane, and what
  // floods the shared socket's queue cannot crowd them out. Sends still leave by the shared socket.
  const lanes = new Set<dgram.Socket>()
  let closed = false
  const openLane = async (peer: Address, type: dgram.SocketType): Promise<Lane> => {
    const lane = dgram.createSocket({ type, reuseAddr: true, lookup: literalLookup })
    // The lane never sends: an error on it (an ICMP error about a reply the shared socket sent,
    // which anyone can forge) is not its own, and does not close it.
    lane.on('error', () => {})
    await bindSocket(lane, local.port, local.host)
    try {
      // Bound but not yet connected, a lane would take any peer's datagrams: it is closed unless
      // connected. A failed connect calls back with its error (node's types leave it out); a bad
      // port throws.
      await new Promise<void>((resolve, reject) => {
        const connected = (error?: Error) => (error ? reject(error) : resolve())
        lane.connect(peer.port, sendHost(peer, local.family), connected as () => void)
      })
      if (closed) throw new Error('the socket is closed')
    } catch (error) {
      lane.close()
      throw error
    }
    lanes.add(lane)
    lane.on('message', onMessage)
    return {
      close() {
        if (lanes.delete(lane)) lane.close()
      },
    }
  }
  return {
    local,
    send(data, to, done) {
      outbox[queued] = data
      outbox[queued + 1] = to
      outbox[queued + 2] = done
      queued += 3
      if (!scheduled) schedule()
    },
    close() {
      // What came in this turn is not handled (the chat is closing); what was sent still leaves.
      emptyInbox()
      sendAll()
      for (const lane of lanes) lane.close()
      lanes.clear()
      closed = true
      return new Promise((resolve) => socket.close(() => resolve()))
    },
    openLane: laneType && ((peer) => openLane(peer, laneType)),
    addMembership: (group, iface) => socket.addMembership(group, iface),
    dropMembership: (group, iface) => socket.dropMembership(group, iface),
    setMulticastInterface: (iface) => socket.setMulticastInterface(iface),
    setMulticastTTL: (ttl) => void socket.setMulticastTTL(ttl),
    setMulticastLoopback: (on) => void socket.setMulticastLoopback(on),
  }
}
