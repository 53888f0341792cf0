import { describe, expect, it } from 'vitest'
import type { Address } from '../../core/address.ts'
import { createMemoryNetwork } from '../../core/testing.ts'

// createMemoryNetwork(): the in-memory network the test kit and the unit tests run on. It stands
// in for the kernel, so it has to behave as a socket would: ports, wildcards, sizes, closed
// sockets, lost datagrams, and the same error codes (which the transport turns into ChatErrors).
const text = new TextDecoder()
const enc = new TextEncoder()

function listener(network: ReturnType<typeof createMemoryNetwork>, host: string, port = 0) {
  const got: Array<{ text: string; from: Address }> = []
  const socket = network.bindNow({
    host,
    port,
    onDatagram: (data, from) => got.push({ text: text.decode(data), from }),
    onError() {},
  })
  return { socket, got }
}

function sent(socket: { send: (d: Uint8Array, to: Address, done: (e?: Error | null) => void) => void }) {
  return (data: Uint8Array, to: Address) =>
    new Promise<(Error & { code?: string }) | undefined>((resolve) =>
      socket.send(data, to, (e) => resolve(e ?? undefined)),
    )
}

describe('createMemoryNetwork()', () => {
  it('gives port 0 a free port from 40000 up, skipping taken ones, and refuses a taken port', () => {
    const network = createMemoryNetwork()
    const taken = network.bindNow({ host: '127.0.0.1', port: 40_000, onDatagram() {}, onError() {} })
    expect(taken.local).toEqual({ host: '127.0.0.1', port: 40_000, family: 'IPv4' })
    const a = listener(network, '127.0.0.1').socket
    const b = listener(network, '127.0.0.1').socket
    expect([a.local.port, b.local.port]).toEqual([40_001, 40_002])
    expect(() => network.bindNow({ host: '127.0.0.1', port: 40_001, onDatagram() {}, onError() {} })).toThrow(
      expect.objectContaining({ code: 'EADDRINUSE' }),
    )
    // Another host may use the same port.
    expect(listener(network, '127.0.0.2', 40_001).socket.local.port).toBe(40_001)
  })

  it('binds localhost as 127.0.0.1, an IPv6 address as IPv6, and refuses a host name', async () => {
    const network = createMemoryNetwork()
    expect(listener(network, 'localhost').socket.local).toMatchObject({ host: '127.0.0.1', family: 'IPv4' })
    expect(listener(network, '::1').socket.local).toMatchObject({ host: '::1', family: 'IPv6' })
    expect(() => listener(network, 'example.com')).toThrow(
      expect.objectContaining({ code: 'ENOTFOUND', message: 'the memory network knows only IP addresses' }),
    )
    await expect(
      network.transport.bind({ host: 'example.com', port: 0, onDatagram() {}, onError() {} }),
    ).rejects.toMatchObject({ code: 'E_RESOLVE' })
    const first = await network.transport.bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    await expect(
      network.transport.bind({ host: '127.0.0.1', port: first.local.port, onDatagram() {}, onError() {} }),
    ).rejects.toMatchObject({ code: 'E_ADDR_IN_USE' })
  })

  it('hands a datagram over after the send, as a copy, with the sender as from; the callback after', async () => {
    const network = createMemoryNetwork()
    const b = listener(network, '127.0.0.1')
    const a = network.bindNow({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    const data = enc.encode('hi')
    const order: string[] = []
    const done = new Promise<void>((resolve) =>
      a.send(data, b.socket.local, (error) => {
        order.push(`done ${error ?? ''}`.trim(), `received ${b.got.length}`)
        resolve()
      }),
    )
    // Not yet: handed over in a microtask, like a real socket's send.
    expect(b.got).toEqual([])
    expect(network.pending).toBe(1)
    data[0] = 0x58 // the sender's buffer changes after the send: the datagram does not
    await done
    expect(network.pending).toBe(0)
    expect(order).toEqual(['done', 'received 1'])
    expect(b.got).toEqual([{ text: 'hi', from: a.local }])
  })

  it('delivers to a wildcard socket on that port, which sends from the loopback address', async () => {
    const network = createMemoryNetwork()
    const v4 = listener(network, '0.0.0.0')
    const v6 = listener(network, '::')
    const peer = listener(network, '127.0.0.1')
    const fromV4 = network.bindNow({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    const send = sent(fromV4)
    expect(await send(enc.encode('to v4'), { host: '127.0.0.9', port: v4.socket.local.port, family: 'IPv4' })).toBe(
      undefined,
    )
    await send(enc.encode('to v6'), { host: '::1', port: v6.socket.local.port, family: 'IPv6' })
    expect(v4.got.map((g) => g.text)).toEqual(['to v4'])
    expect(v6.got.map((g) => g.text)).toEqual(['to v6'])
    await sent(v4.socket)(enc.encode('back'), peer.socket.local)
    await sent(v6.socket)(enc.encode('back6'), peer.socket.local)
    expect(peer.got).toEqual([
      { text: 'back', from: { host: '127.0.0.1', port: v4.socket.local.port, family: 'IPv4' } },
      { text: 'back6', from: { host: '::1', port: v6.socket.local.port, family: 'IPv6' } },
    ])
  })

  it('keeps what nobody was bound to receive in `lost`, as a copy, and deliver() says so', async () => {
    const network = createMemoryNetwork()
    const a = network.bindNow({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    const nowhere: Address = { host: '127.0.0.1', port: 9, family: 'IPv4' }
    const data = enc.encode('void')
    expect(await sent(a)(data, nowhere)).toBe(undefined)
    data[0] = 0
    expect(network.lost.map((l) => [text.decode(l.data), l.from, l.to])).toEqual([['void', a.local, nowhere]])
    expect(network.deliver(enc.encode('x'), a.local, nowhere)).toBe(false)
    const b = listener(network, '127.0.0.1')
    expect(network.deliver(enc.encode('y'), a.local, b.socket.local)).toBe(true)
    expect(b.got.map((g) => g.text)).toEqual(['y'])
    expect(network.lost).toHaveLength(2)
  })

  it('refuses what a kernel refuses: too large for the family, port 0 or past 65535, a closed socket', async () => {
    const network = createMemoryNetwork()
    const b = listener(network, '127.0.0.1')
    const b6 = listener(network, '::1')
    const a = network.bindNow({ host: '::', port: 0, onDatagram() {}, onError() {} })
    const send = sent(a)
    expect(await send(new Uint8Array(65_507), b.socket.local)).toBe(undefined)
    expect(await send(new Uint8Array(65_508), b.socket.local)).toMatchObject({ code: 'EMSGSIZE' })
    expect(await send(new Uint8Array(65_527), b6.socket.local)).toBe(undefined)
    expect(await send(new Uint8Array(65_528), b6.socket.local)).toMatchObject({ code: 'EMSGSIZE' })
    expect(b.got).toHaveLength(1)
    expect(b6.got).toHaveLength(1)
    for (const port of [0, 65_536, -1]) {
      expect(await send(new Uint8Array(1), { ...b.socket.local, port })).toMatchObject({
        code: 'ERR_SOCKET_BAD_PORT',
        message: `Port should be > 0 and < 65536. Received ${port}.`,
      })
    }
    expect(await send(new Uint8Array(1), { ...b.socket.local, port: 65_535 })).toBe(undefined)
    await a.close()
    await a.close()
    expect(await send(new Uint8Array(1), b.socket.local)).toMatchObject({
      code: 'EBADF',
      message: 'the socket is closed',
    })
    // Closed, its port is free again, and nothing reaches it.
    expect(network.deliver(new Uint8Array(1), b.socket.local, a.local)).toBe(false)
    expect(network.bindNow({ host: '::', port: a.local.port, onDatagram() {}, onError() {} }).local.port).toBe(
      a.local.port,
    )
    expect(network.lost).toHaveLength(2)
  })

  it('looks up only localhost, knows the loopback interfaces, and answers IP addresses', async () => {
    const { transport } = createMemoryNetwork()
    expect(transport.runtime).toBe('memory')
    await expect(transport.lookup('localhost')).resolves.toEqual({ host: '127.0.0.1', family: 'IPv4' })
    await expect(transport.lookup('example.com')).rejects.toMatchObject({
      code: 'E_RESOLVE',
      message: 'Cannot resolve host `example.com` (the memory network knows only IP addresses)',
    })
    await expect(transport.lookup('::1')).resolves.toEqual({ host: '::1', family: 'IPv6' })
    expect(transport.localHosts()).toEqual(['127.0.0.1', '::1'])
  })
})
