import { describe, expect, it } from 'vitest'
import type { Address } from '../../core/address.ts'
import { groupTransport } from '../../core/runtime/group.ts'
import { getGroupTransport } from '../../core/runtime/get-transport.ts'
import type { BindOptions, UdpSocket, UdpTransport } from '../../core/runtime/types.ts'
import { createMemoryNetwork } from '../../core/testing.ts'

// groupTransport(): how a multicast room's two sockets are bound and set up, seen through a base
// transport that records every call (test/sockets/group.test.ts runs a room on real sockets).
type Step = string

function recordingBase(fail: { join?: Error; ownBind?: Error; leave?: Error; multicast?: boolean } = {}) {
  const steps: Step[] = []
  let binds = 0
  const base: UdpTransport = {
    runtime: 'node',
    async bind(options: BindOptions): Promise<UdpSocket> {
      const n = ++binds
      const name = n === 1 ? 'room' : 'own'
      steps.push(
        `bind ${name} ${options.host}:${options.port} reuse=${options.reuseAddr} broadcast=${options.broadcast}`,
      )
      if (n === 2 && fail.ownBind) throw fail.ownBind
      const local: Address = { host: options.host, port: options.port || 50_000 + n, family: 'IPv4' }
      const socket: UdpSocket = {
        local,
        send: (data, to, done) => (steps.push(`${name} send ${data.length} to ${to.host}:${to.port}`), done()),
        close: async () => void steps.push(`close ${name}`),
      }
      if (fail.multicast === false) return socket
      return {
        ...socket,
        addMembership: (group, iface) => {
          steps.push(`${name} join ${group} ${iface}`)
          if (fail.join) throw fail.join
        },
        dropMembership: (group, iface) => {
          steps.push(`${name} leave ${group} ${iface}`)
          if (fail.leave) throw fail.leave
        },
        setMulticastInterface: (iface) => void steps.push(`${name} interface ${iface}`),
        setMulticastTTL: (ttl) => void steps.push(`${name} ttl ${ttl}`),
        setMulticastLoopback: (on) => void steps.push(`${name} loopback ${on}`),
      }
    },
    lookup: async (host) => ({ host, family: 'IPv4' }),
    localHosts: () => [],
  }
  return { base, steps }
}

const bind = (transport: UdpTransport, host = '0.0.0.0', port = 0) =>
  transport.bind({ host, port, onDatagram() {}, onError() {} })

describe('groupTransport()', () => {
  it('binds the group port (shared) and joins, then a port of its own that sends, with TTL 1 and loopback', async () => {
    const { base, steps } = recordingBase()
    const transport = groupTransport(base, { address: '239.1.2.3:5000' })
    expect(transport.runtime).toBe('node')
    const socket = await bind(transport)
    expect(socket.local).toEqual({ host: '0.0.0.0', port: 50_002, family: 'IPv4' })
    socket.send(new Uint8Array(3), { host: '239.1.2.3', port: 5000, family: 'IPv4' }, () => {})
    await socket.close()
    expect(steps).toEqual([
      'bind room 239.1.2.3:5000 reuse=true broadcast=false',
      'room join 239.1.2.3 undefined',
      'bind own 0.0.0.0:0 reuse=undefined broadcast=undefined',
      'own ttl 1',
      'own loopback true',
      'own send 3 to 239.1.2.3:5000',
      'room leave 239.1.2.3 undefined',
      'close room',
      'close own',
    ])
  })

  it('joins and sends on the interface it is given, with its TTL and loopback', async () => {
    const { base, steps } = recordingBase()
    const transport = groupTransport(base, {
      address: '239.1.2.3:5000',
      interface: '127.0.0.1',
      ttl: 0,
      loopback: false,
    })
    const socket = await bind(transport, '127.0.0.1', 6000)
    await socket.close()
    expect(steps).toEqual([
      'bind room 239.1.2.3:5000 reuse=true broadcast=false',
      'room join 239.1.2.3 127.0.0.1',
      'bind own 127.0.0.1:6000 reuse=undefined broadcast=undefined',
      'own interface 127.0.0.1',
      'own ttl 0',
      'own loopback false',
      'room leave 239.1.2.3 127.0.0.1',
      'close room',
      'close own',
    ])
  })

  it('binds an IPv6 group on the IPv6 wildcard, and our own socket there too when told 0.0.0.0', async () => {
    const { base, steps } = recordingBase()
    await bind(groupTransport(base, { address: '[ff02::1234]:5000' }))
    expect(steps.filter((s) => s.startsWith('bind'))).toEqual([
      'bind room :::5000 reuse=true broadcast=false',
      'bind own :::0 reuse=undefined broadcast=undefined',
    ])
    const second = recordingBase()
    await bind(groupTransport(second.base, { address: '[ff02::1234]:5000' }), '::1')
    expect(second.steps[2]).toBe('bind own ::1:0 reuse=undefined broadcast=undefined')
  })

  it('refuses an address that is not a multicast group, calling it the group', () => {
    expect(() => groupTransport(recordingBase().base, { address: '10.0.0.1:5000' })).toThrow(
      'Expected the group to be a multicast address (224.0.0.0-239.255.255.255 or ff00::/8), got `10.0.0.1`',
    )
  })

  it('closes what it bound and says which group and interface when the join fails', async () => {
    const { base, steps } = recordingBase({ join: new Error('No such device\nmore') })
    await expect(
      bind(groupTransport(base, { address: '239.1.2.3:5000', interface: '127.0.0.1' })),
    ).rejects.toMatchObject({
      code: 'E_BIND',
      message: 'Cannot join 239.1.2.3:5000 on 127.0.0.1: No such device',
    })
    expect(steps.slice(-1)).toEqual(['close room'])
    const other = recordingBase({ ownBind: new Error('taken') })
    await expect(bind(groupTransport(other.base, { address: '239.1.2.3:5000' }))).rejects.toMatchObject({
      code: 'E_BIND',
      message: 'Cannot join 239.1.2.3:5000 on the default interface: taken',
    })
    expect(other.steps.slice(-1)).toEqual(['close room'])
  })

  it('passes a ChatError from the base as it is, and closes both sockets', async () => {
    const { ChatError } = await import('../../core/errors.ts')
    const own = new ChatError('E_ADDR_IN_USE', 'Port 6000 is in use')
    const { base, steps } = recordingBase({ ownBind: own })
    await expect(bind(groupTransport(base, { address: '239.1.2.3:5000' }), '127.0.0.1', 6000)).rejects.toBe(own)
    expect(steps.at(-1)).toBe('close room')
  })

  it('says a transport without multicast cannot join, and a failed leave still closes both', async () => {
    const none = recordingBase({ multicast: false })
    await expect(bind(groupTransport(none.base, { address: '239.1.2.3:5000' }))).rejects.toMatchObject({
      code: 'E_BIND',
      message: 'Cannot join 239.1.2.3: the node transport has no multicast',
    })
    expect(none.steps).toEqual(['bind room 239.1.2.3:5000 reuse=true broadcast=false', 'close room'])
    const leaving = recordingBase({ leave: new Error('not a member') })
    const socket = await bind(groupTransport(leaving.base, { address: '239.1.2.3:5000' }))
    await socket.close()
    expect(leaving.steps.slice(-3)).toEqual(['room leave 239.1.2.3 undefined', 'close room', 'close own'])
  })
})

describe('getGroupTransport()', () => {
  it('wraps the transport it is given (the memory network has no multicast, and says so)', async () => {
    const network = createMemoryNetwork()
    const transport = getGroupTransport({ address: '239.1.2.3:5000' }, network.transport)
    expect(transport.runtime).toBe('memory')
    await expect(bind(transport, '127.0.0.1')).rejects.toMatchObject({
      code: 'E_BIND',
      message: 'Cannot join 239.1.2.3: the memory transport has no multicast',
    })
    // The room's socket was closed again: its port is free.
    expect(network.bindNow({ host: '239.1.2.3', port: 5000, onDatagram() {}, onError() {} }).local.port).toBe(5000)
  })

  it("without a transport, uses node:dgram's", () => {
    expect(getGroupTransport({ address: '239.1.2.3:5000' }).runtime).toBe('node')
  })
})
