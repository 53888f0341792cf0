import { isIP } from 'node:net'
import { familyOf, formatAddress, parseHostPort, type Address, type IpVersion } from '../address.ts'
import { ChatError, describeError } from '../errors.ts'
import type { UdpSocket, UdpTransport } from './types.ts'

/** A multicast room: the group to join and how our datagrams go to it. */
export interface GroupOptions {
  /** The group and its port: `239.1.2.3:5000`, `[ff02::1234]:5000`. */
  address: string
  /**
   * The address of the interface to join on and send from (`127.0.0.1` keeps the room on this
   * machine); the system's choice without it.
   */
  interface?: string
  /** How far our datagrams go: 0 = this machine, 1 = the local network (a router does not forward them). @default 1 */
  ttl?: number
  /** Whether other members on this machine hear us. @default true */
  loopback?: boolean
}

/** The group's address, or a ChatError (E_USAGE) naming what is wrong with it. */
export function parseGroup(text: string, what = '--group'): Address {
  const hostPort = groupPort(text, what)
  const family = hostPort && familyOf(isIP(hostPort.host) as IpVersion)
  if (!hostPort || !family)
    throw new ChatError(
      'E_USAGE',
      `Expected ${what} to be a multicast GROUP:PORT such as 239.1.2.3:5000, got \`${text}\``,
    )
  const multicast = family === 'IPv4' ? Number(hostPort.host.split('.')[0]) >> 4 === 14 : /^ff/i.test(hostPort.host)
  const range = '224.0.0.0-239.255.255.255 or ff00::/8'
  if (!multicast)
    throw new ChatError('E_USAGE', `Expected ${what} to be a multicast address (${range}), got \`${hostPort.host}\``)
  if (hostPort.port === 0) throw new ChatError('E_USAGE', `Expected ${what} to have a port (1-65535), got 0`)
  return { host: hostPort.host, port: hostPort.port, family }
}

/** `parseHostPort` for a group: a port out of range is said as the group's (the room is not only a target). */
function groupPort(text: string, what: string): ReturnType<typeof parseHostPort> {
  try {
    return parseHostPort(text)
  } catch {
    throw new ChatError(
      'E_USAGE',
      `Expected ${what} to have a port (1-65535), got ${text.slice(text.lastIndexOf(':') + 1)}`,
    )
  }
}

/**
 * A transport whose sockets are members of a multicast group. Each bind makes two sockets of the
 * base transport: one on the group's port (shared with the other members on this machine, joined
 * to the group) that only receives, and one on `--port` (any free port by default) that sends and
 * receives replies. Members sharing the group's port would be told apart by nobody; their own
 * ports are their names, and our own datagrams (back through the loopback) are recognised by it.
 */
export function groupTransport(base: UdpTransport, options: GroupOptions): UdpTransport {
  const group = parseGroup(options.address, 'the group')
  return {
    ...base,
    async bind(bind) {
      const ifaceText = options.interface === undefined ? 'the default interface' : options.interface
      const anyHost = group.family === 'IPv6' ? '::' : '0.0.0.0'
      // Bound to the group's address, the room's socket hears the group only (Windows cannot
      // bind a group: any address there).
      const roomHost = group.family === 'IPv4' && process.platform !== 'win32' ? group.host : anyHost
      const room = await base.bind({ ...bind, host: roomHost, port: group.port, reuseAddr: true, broadcast: false })
      let own: UdpSocket | undefined
      try {
        if (!room.addMembership || !room.setMulticastInterface || !room.setMulticastTTL || !room.setMulticastLoopback) {
          throw new ChatError('E_BIND', `Cannot join ${group.host}: the ${base.runtime} transport has no multicast`)
        }
        await room.addMembership(group.host, options.interface)
        own = await base.bind({
          ...bind,
          host: bind.host === '0.0.0.0' && group.family === 'IPv6' ? '::' : bind.host,
          lanes: false, // a room's lanes would be the group's, which it does not open
        })
        if (options.interface !== undefined) own.setMulticastInterface!(options.interface)
        own.setMulticastTTL!(options.ttl ?? 1)
        own.setMulticastLoopback!(options.loopback ?? true)
      } catch (error) {
        await Promise.all([room.close(), own?.close()])
        if (error instanceof ChatError) throw error
        throw new ChatError('E_BIND', `Cannot join ${formatAddress(group)} on ${ifaceText}: ${describeError(error)}`, {
          cause: error,
        })
      }
      const sender = own
      return {
        local: sender.local,
        send: (data, to, done) => sender.send(data, to, done),
        async close() {
          try {
            await room.dropMembership?.(group.host, options.interface)
          } catch {
            // Closing the socket leaves the group too; a failed explicit leave changes nothing.
          }
          await Promise.all([room.close(), sender.close()])
        },
      }
    },
  }
}
