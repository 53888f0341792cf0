import dgram from 'node:dgram'
import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { isWildcard, type Address, type IpVersion } from '../address.ts'
import { getRuntimeKey } from './get-runtime-key.ts'
import { bindSocket, createNodeSocket, literalLookup } from './node-socket.ts'
import type { BindOptions, RawSocket, UdpAdapter } from './types.ts'

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

/**
 * Binds a node:dgram socket; Deno without `--unstable-net` uses it too, through its Node layer.
 * A bind failure rejects with node's own error.
 */
export async function bindNode(options: BindOptions): Promise<RawSocket> {
  const type = isIP(options.host) === 6 ? 'udp6' : 'udp4'
  const { recvBufferSize, onDatagram, onError } = options
  // Lanes share the socket's port (SO_REUSEADDR on both). Only on Node and Linux, where a connected
  // socket was measured to get its peer's datagrams (elsewhere SO_REUSEADDR means other things,
  // and other runtimes' node:dgram differs), and on one address: on a wildcard, a lane's connect
  // fixes its address to the one the route to the peer leaves from, and would not match the
  // datagrams the peer sends to our other addresses.
  const lanes =
    options.lanes === true &&
    !options.reuseAddr &&
    !isWildcard(options.host) &&
    process.platform === 'linux' &&
    getRuntimeKey() === 'node'
  const reuseAddr = options.reuseAddr === true || lanes
  for (let tries = 1; ; tries++) {
    const port = lanes ? await claimPort(type, options.host, options.port) : options.port
    const socket = dgram.createSocket({ type, recvBufferSize, reuseAddr, lookup: literalLookup })
    try {
      await bindSocket(socket, port, options.host)
    } catch (error) {
      // The port that was free a moment ago (`--port 0`) was taken in between: pick another.
      if (lanes && options.port === 0 && tries < 3 && (error as { code?: string }).code === 'EADDRINUSE') continue
      throw error
    }
    // The tutorials' sockets set SO_BROADCAST to broadcast; ours has it from the start (Deno's always has).
    if (options.broadcast !== false) socket.setBroadcast(true)
    socket.on('error', (error) => onError(error))
    const bound = socket.address()
    const local: Address = {
      host: bound.address,
      port: bound.port,
      family: bound.family === 'IPv6' ? 'IPv6' : 'IPv4',
    }
    return createNodeSocket(socket, local, onDatagram, onError, lanes ? type : undefined)
  }
}

/**
 * A socket bound with SO_REUSEADDR lets any other that sets it share its port unnoticed (another
 * chat among them). So the port is first bound by a socket that shares nothing, which fails as
 * any bind does when the port is taken, then let go: the port it had (the system's choice for 0).
 */
async function claimPort(type: dgram.SocketType, host: string, port: number): Promise<number> {
  const probe = dgram.createSocket({ type })
  await bindSocket(probe, port, host)
  const claimed = probe.address().port
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return claimed
}
