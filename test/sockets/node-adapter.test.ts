import dgram from 'node:dgram'
import { isIP } from 'node:net'
import { describe, expect, it } from 'vitest'
import { nodeAdapter } from '../../core/runtime/node.ts'
import { getTransport } from '../../core/transport.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket } from '../helpers/udp.ts'

// The Node adapter's primitives on real sockets (127.0.0.1, port 0): name lookups, the machine's
// addresses, a taken port, SO_BROADCAST (to 127.255.255.255 only), a send to a host name.
describe('nodeAdapter', () => {
  it('looks a name up with the family of the address it found', async () => {
    const found = await nodeAdapter.lookup('localhost')
    expect(isIP(found.host)).not.toBe(0)
    expect(found.family).toBe(isIP(found.host) === 6 ? 'IPv6' : 'IPv4')
  })

  it("lists the machine's addresses, the loopback among them, and tells an IP address from a name", () => {
    const hosts = nodeAdapter.interfaces()
    expect(hosts).toContain('127.0.0.1')
    expect(hosts.every((host) => isIP(host) !== 0)).toBe(true)
    expect(['127.0.0.1', '::1', 'localhost'].map(nodeAdapter.isIP)).toEqual([4, 6, 0])
  })

  it('refuses a port that is taken, as a one-line error', async () => {
    const taken = closeAfterTest(dgram.createSocket('udp4'))
    await new Promise<void>((resolve) => taken.bind(0, '127.0.0.1', resolve))
    const port = taken.address().port
    await expect(getTransport().bind({ host: '127.0.0.1', port, onDatagram() {}, onError() {} })).rejects.toMatchObject(
      { code: 'E_ADDR_IN_USE' },
    )
  })

  it('may broadcast from the start (SO_BROADCAST), so a send to 127.255.255.255 is not refused', async () => {
    const socket = closeAfterTest(
      await getTransport().bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} }),
    )
    const listener = await plainSocket()
    closeAfterTest(listener)
    const error = await new Promise((resolve) =>
      socket.send(Uint8Array.of(0x68), { host: '127.255.255.255', port: listener.port, family: 'IPv4' }, resolve),
    )
    expect(error).toBeUndefined()
  })

  it('sends to a host name given to the socket itself, looked up as node:dgram would', async () => {
    const raw = await nodeAdapter.bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    closeAfterTest(raw)
    const listener = await plainSocket()
    closeAfterTest(listener)
    const error = await new Promise((resolve) =>
      raw.send(Uint8Array.of(0x68, 0x69), { host: 'localhost', port: listener.port, family: 'IPv4' }, resolve),
    )
    expect(error ?? undefined).toBeUndefined()
    expect((await listener.next()).data.toString()).toBe('hi')
  })

  it("hands a turn's datagrams over in order with the time they were read, and a handler's throw costs only its own datagram", async () => {
    const heard: string[] = []
    const times: number[] = []
    const errors: Error[] = []
    let all: () => void = () => {}
    const done = new Promise<void>((resolve) => (all = resolve))
    const raw = await nodeAdapter.bind({
      host: '127.0.0.1',
      port: 0,
      onDatagram(data, _from, at) {
        const text = Buffer.from(data).toString()
        if (text === '3') throw new Error('a handler that throws')
        heard.push(text)
        times.push(at ?? Number.NaN)
        if (heard.length === 19) all()
      },
      onError: (error) => errors.push(error),
    })
    closeAfterTest(raw)
    const peer = await plainSocket()
    closeAfterTest(peer)
    const before = Date.now()
    // Sent back to back, so that several arrive in one turn of the event loop.
    await Promise.all(Array.from({ length: 20 }, (_, i) => peer.send(Buffer.from(String(i)), raw.local.port)))
    await done
    const after = Date.now()
    expect(times.every((at, i) => at >= before && at <= after && (i === 0 || at >= times[i - 1]!))).toBe(true)
    expect(heard).toEqual(Array.from({ length: 20 }, (_, i) => String(i)).filter((text) => text !== '3'))
    expect(errors.map((error) => error.message)).toEqual(['a handler that throws'])
  })

  it('hands the datagrams of one turn over in one go, promise work after them all', async () => {
    const heard: string[] = []
    let heardByFirstMicrotask = -1
    let all: () => void = () => {}
    const done = new Promise<void>((resolve) => (all = resolve))
    const raw = closeAfterTest(
      await nodeAdapter.bind({
        host: '127.0.0.1',
        port: 0,
        onDatagram(data) {
          heard.push(Buffer.from(data).toString())
          if (heard.length === 1) queueMicrotask(() => (heardByFirstMicrotask = heard.length))
          if (heard.length === 20) all()
        },
        onError() {},
      }),
    )
    const sender = closeAfterTest(dgram.createSocket('udp4'))
    await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve))
    // Sent in one go from this process: all 20 wait in the socket's queue when the loop next reads it.
    for (let i = 0; i < 20; i++) sender.send(String(i), raw.local.port, '127.0.0.1')
    await done
    expect(heardByFirstMicrotask).toBe(20)
  })

  it("goes on when the error handler itself throws: that throw is uncaught, and the turn's other datagrams and replies are not lost", async () => {
    // node:dgram's callback let such a throw out as an uncaught exception and went on; so must the turn.
    const uncaught: unknown[] = []
    const theirs = process.listeners('uncaughtException')
    process.removeAllListeners('uncaughtException')
    const ours = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', ours)
    try {
      const peer = closeAfterTest(await plainSocket())
      const heard: string[] = []
      const raw = closeAfterTest(
        await nodeAdapter.bind({
          host: '127.0.0.1',
          port: 0,
          onDatagram(data, from) {
            const text = Buffer.from(data).toString()
            if (text === 'b') throw new Error('a handler that throws')
            heard.push(text)
            raw.send(Buffer.from(text.toUpperCase()), from, () => {})
          },
          onError() {
            throw new Error('an error handler that throws')
          },
        }),
      )
      for (const text of ['a', 'b', 'c']) await peer.send(Buffer.from(text), raw.local.port)
      const replies = [(await peer.next()).data.toString(), (await peer.next()).data.toString()]
      expect(replies).toEqual(['A', 'C'])
      expect(heard).toEqual(['a', 'c'])
      expect(uncaught.map((error) => (error as Error).message)).toEqual(['an error handler that throws'])
      // And the socket still works afterwards.
      await peer.send(Buffer.from('d'), raw.local.port)
      expect((await peer.next()).data.toString()).toBe('D')
    } finally {
      process.off('uncaughtException', ours)
      for (const listener of theirs) process.on('uncaughtException', listener)
    }
  })
})

// Lanes (`BindOptions.lanes`): a socket on our address connected to one peer, which gets that
// peer's datagrams while every other datagram still reaches the shared socket.
describe('nodeAdapter lanes', () => {
  async function lanesSocket(host = '127.0.0.1') {
    const heard: string[] = []
    const socket = closeAfterTest(
      await getTransport().bind({
        host,
        port: 0,
        lanes: true,
        onDatagram: (data, from) => heard.push(`${Buffer.from(data).toString()} ${from.port}`),
        onError() {},
      }),
    )
    return { socket, heard }
  }
  /** Sends `text` from `from` and waits for the chat's socket to hear it. */
  async function heardFrom(from: Awaited<ReturnType<typeof plainSocket>>, text: string, port: number, heard: string[]) {
    await from.send(text, port)
    await expect.poll(() => heard.includes(`${text} ${from.port}`)).toBe(true)
  }

  it("opens a lane that delivers its peer's datagrams, and a failed one leaves the shared socket hearing everyone", async () => {
    const { socket, heard } = await lanesSocket()
    const port = socket.local.port
    const peer = closeAfterTest(await plainSocket())
    const other = closeAfterTest(await plainSocket())
    // Port 0 cannot be connected to; nor can an IPv6 address from an IPv4 socket.
    await expect(socket.openLane!({ host: '127.0.0.1', port: 0, family: 'IPv4' })).rejects.toMatchObject({
      code: 'E_BIND',
    })
    await expect(socket.openLane!({ host: '::1', port: 9, family: 'IPv6' })).rejects.toMatchObject({ code: 'E_BIND' })
    await heardFrom(other, 'after the failures', port, heard)
    const lane = await socket.openLane!({ host: '127.0.0.1', port: peer.port, family: 'IPv4' })
    await heardFrom(peer, 'on its lane', port, heard)
    await heardFrom(other, 'on the shared socket', port, heard)
    lane.close()
    await heardFrom(peer, 'after its lane closed', port, heard)
  })

  it('leaves the port free once closed, lanes and all, and offers none on a wildcard address', async () => {
    const { socket } = await lanesSocket()
    const peer = closeAfterTest(await plainSocket())
    await socket.openLane!({ host: '127.0.0.1', port: peer.port, family: 'IPv4' })
    const port = socket.local.port
    await socket.close()
    const again = closeAfterTest(dgram.createSocket('udp4'))
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject)
      again.bind(port, '127.0.0.1', () => resolve())
    })
    expect((await lanesSocket('0.0.0.0')).socket.openLane).toBeUndefined()
  })
})
