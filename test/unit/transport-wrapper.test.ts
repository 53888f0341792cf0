import { describe, expect, it } from 'vitest'
import { createTransport } from '../../core/runtime/transport.ts'
import type { RawSocket, UdpAdapter } from '../../core/runtime/types.ts'

// createTransport(): the one wrapper every runtime's adapter goes through. An adapter made by
// hand here, so each rule can be seen: the adapter loaded once and late, IP addresses answered
// without a lookup, runtime errors turned into one-line ChatErrors, a closed socket sends nothing.
function adapter(over: Partial<UdpAdapter> = {}) {
  const calls = { loads: 0, lookups: 0, sends: 0, closes: 0 }
  const raw: RawSocket = {
    local: { host: '127.0.0.1', port: 4000, family: 'IPv4' },
    send: (_data, _to, done) => (calls.sends++, done()),
    close: async () => void calls.closes++,
  }
  const base: UdpAdapter = {
    bind: async () => raw,
    lookup: async (host) => (calls.lookups++, { host: host === 'here' ? '127.0.0.1' : host, family: 'IPv4' }),
    interfaces: () => ['127.0.0.1', '10.1.2.3'],
    isIP: (host) => (/^\d+\.\d+\.\d+\.\d+$/.test(host) ? 4 : host.includes(':') ? 6 : 0),
    ...over,
  }
  const transport = createTransport('node', () => (calls.loads++, base))
  return { transport, calls }
}
const to = { host: '127.0.0.1', port: 5000, family: 'IPv4' as const }

describe('createTransport()', () => {
  it('loads the adapter at the first bind or lookup, once; before that it knows no local hosts', async () => {
    const { transport, calls } = adapter()
    expect(transport.runtime).toBe('node')
    expect(transport.localHosts()).toEqual([])
    expect(calls.loads).toBe(0)
    await transport.lookup('10.0.0.1')
    await transport.bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    expect(calls.loads).toBe(1)
    expect(transport.localHosts()).toEqual(['127.0.0.1', '10.1.2.3'])
  })

  it('answers an IP address without a lookup, and looks a name up', async () => {
    const { transport, calls } = adapter()
    await expect(transport.lookup('10.0.0.1')).resolves.toEqual({ host: '10.0.0.1', family: 'IPv4' })
    await expect(transport.lookup('::1')).resolves.toEqual({ host: '::1', family: 'IPv6' })
    expect(calls.lookups).toBe(0)
    await expect(transport.lookup('here')).resolves.toEqual({ host: '127.0.0.1', family: 'IPv4' })
    expect(calls.lookups).toBe(1)
  })

  it('turns a failed lookup and a failed bind into one-line errors', async () => {
    const failing = adapter({
      lookup: async () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOTFOUND' })),
      bind: async () => Promise.reject(Object.assign(new Error('x'), { code: 'EADDRINUSE' })),
    })
    await expect(failing.transport.lookup('nowhere')).rejects.toMatchObject({
      code: 'E_RESOLVE',
      message: 'Cannot resolve host `nowhere` (ENOTFOUND)',
    })
    await expect(
      failing.transport.bind({ host: '127.0.0.1', port: 7788, onDatagram() {}, onError() {} }),
    ).rejects.toMatchObject({ code: 'E_ADDR_IN_USE' })
  })

  it('sends nothing once closed, and closes the runtime socket once', async () => {
    const { transport, calls } = adapter()
    const socket = await transport.bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    expect(socket.local).toEqual({ host: '127.0.0.1', port: 4000, family: 'IPv4' })
    const results: Array<Error | undefined> = []
    socket.send(new Uint8Array(1), to, (error) => results.push(error))
    await socket.close()
    await socket.close()
    socket.send(new Uint8Array(1), to, (error) => results.push(error))
    expect(calls).toMatchObject({ sends: 1, closes: 1 })
    expect(results[0]).toBeUndefined()
    expect(results[1]).toMatchObject({ code: 'E_SEND', message: 'The socket is closed' })
  })

  it('turns a runtime send failure into a one-line ChatError with the size and address', async () => {
    const { transport } = adapter({
      bind: async () => ({
        local: { host: '127.0.0.1', port: 4000, family: 'IPv4' },
        send: (_data, _to, done) => done(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })),
        close: async () => {},
      }),
    })
    const socket = await transport.bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    const error = await new Promise<Error | undefined>((resolve) => socket.send(new Uint8Array(3), to, resolve))
    expect(error).toMatchObject({ code: 'E_SEND', message: 'Nobody is listening at 127.0.0.1:5000 (ECONNREFUSED)' })
  })

  it('offers multicast only when the runtime socket has it, bound to that socket', async () => {
    const joined: string[] = []
    const raw = {
      local: { host: '0.0.0.0', port: 5000, family: 'IPv4' as const },
      send: () => {},
      close: async () => {},
      group: 'none',
      addMembership(this: { group: string }, group: string) {
        this.group = group
        joined.push(group)
      },
    }
    const withGroups = adapter({ bind: async () => raw as unknown as RawSocket })
    const socket = await withGroups.transport.bind({ host: '0.0.0.0', port: 5000, onDatagram() {}, onError() {} })
    socket.addMembership!('239.1.2.3')
    expect(joined).toEqual(['239.1.2.3'])
    expect(raw.group).toBe('239.1.2.3')
    expect(socket.dropMembership).toBeUndefined()
    const plain = await adapter().transport.bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    expect(plain.addMembership).toBeUndefined()
  })
})
