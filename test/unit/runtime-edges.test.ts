import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { Address } from '../../core/address.ts'
import { lookupError } from '../../core/runtime/_errors.ts'
import { groupTransport } from '../../core/runtime/group.ts'
import { syntaxError } from '../../core/runtime/native-loader.ts'
import type { UdpSocket, UdpTransport } from '../../core/runtime/types.ts'
import { createMemoryNetwork } from '../../core/testing.ts'
import { fresh } from '../helpers/fresh.ts'

// The runtime layer's edges: what the memory network hands over, multicast half offered, error
// causes, and the tables that pick a runtime's transport, loader and encoder (module-level
// constants, loaded afresh inside the test: see test/helpers/fresh.ts).
const g = globalThis as { Deno?: unknown; Bun?: unknown }
afterEach(() => {
  delete g.Deno
  delete g.Bun
})
const dir = mkdtempSync(join(tmpdir(), 'udpchat-runtime-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the memory network hands over copies', () => {
  it('deliver() gives the receiver, and `lost`, their own copy', () => {
    const network = createMemoryNetwork()
    const got: Uint8Array[] = []
    const b = network.bindNow({ host: '127.0.0.1', port: 0, onDatagram: (d) => got.push(d), onError() {} })
    const from: Address = { host: '127.0.0.1', port: 1, family: 'IPv4' }
    const data = Uint8Array.of(1, 2)
    network.deliver(data, from, b.local)
    network.deliver(data, from, { ...b.local, port: 9 })
    data[0] = 9
    expect([...got[0]!]).toEqual([1, 2])
    expect([...network.lost[0]!.data]).toEqual([1, 2])
  })

  it('closing a socket twice does not unbind whoever took its port meanwhile', async () => {
    const network = createMemoryNetwork()
    const a = network.bindNow({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    await a.close()
    const got: string[] = []
    const b = network.bindNow({ host: '127.0.0.1', port: a.local.port, onDatagram: () => got.push('b'), onError() {} })
    await a.close()
    expect(network.deliver(Uint8Array.of(1), b.local, b.local)).toBe(true)
    expect(got).toEqual(['b'])
  })
})

describe('groupTransport() with a socket that offers part of multicast', () => {
  const methods = ['addMembership', 'setMulticastInterface', 'setMulticastTTL', 'setMulticastLoopback'] as const
  it.each(methods)('without %s it cannot join, and says so', async (missing) => {
    const network = createMemoryNetwork()
    const base: UdpTransport = {
      ...network.transport,
      async bind(options) {
        const socket: UdpSocket = await network.transport.bind(options)
        const all = Object.fromEntries(methods.map((m) => [m, () => {}]))
        delete all[missing]
        return { ...socket, ...all }
      },
    }
    const transport = groupTransport(base, { address: '239.1.2.3:5000', interface: '127.0.0.1' })
    await expect(transport.bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })).rejects.toMatchObject({
      code: 'E_BIND',
      message: 'Cannot join 239.1.2.3: the memory transport has no multicast',
    })
  })

  it('refuses an IPv6 address that is not in ff00::/8, even with ff in it', () => {
    expect(() => groupTransport(createMemoryNetwork().transport, { address: '[fe80::ff]:5000' })).toThrow(
      'Expected the group to be a multicast address (224.0.0.0-239.255.255.255 or ff00::/8), got `fe80::ff`',
    )
  })
})

describe('lookupError()', () => {
  it('keeps the runtime error as the cause', () => {
    const cause = Object.assign(new Error('x'), { code: 'ENOTFOUND' })
    expect(lookupError(cause, 'h').cause).toBe(cause)
  })
})

describe('syntaxError(): only a whole Deno syntax error message', () => {
  it('reads long line and column numbers, with text between the message and the place, and a newline after', () => {
    const deno = new Error('SyntaxError: Unexpected token\n  in the config\n    at file:///x/c.ts:12:34\n')
    expect(syntaxError(deno)?.message).toBe('SyntaxError: Unexpected token\n/x/c.ts:12:34')
  })

  it('leaves a message that does not start with it, or goes on after the place, and anything not an Error', () => {
    expect(syntaxError(new Error('Uncaught SyntaxError: x\n    at file:///x/c.ts:1:2'))).toBeUndefined()
    expect(syntaxError(new Error('SyntaxError: x\n    at file:///x/c.ts:1:2\n    at other'))).toBeUndefined()
    expect(syntaxError({ message: 'SyntaxError: x\n    at file:///x/c.ts:1:2' })).toBeUndefined()
  })
})

describe('the tables that pick by runtime (modules loaded afresh)', () => {
  it('getModuleLoader() imports a TypeScript config on Node, and a module through import() for Bun', async () => {
    const { getModuleLoader } = await fresh(() => import('../../core/runtime/get-module-loader.ts'))
    const ts = join(dir, 'a.config.ts')
    writeFileSync(ts, 'const port: number = 3\nexport default { port }\n')
    expect((await getModuleLoader('node').import(ts)).default).toEqual({ port: 3 })
    const mjs = join(dir, 'b.mjs')
    writeFileSync(mjs, 'export default { port: 4 }\n')
    expect((await getModuleLoader('bun').import(mjs)).default).toEqual({ port: 4 })
  }, 20_000) // jiti transforms TypeScript here, slow on a busy machine

  it("getTransport() builds the runtime's transport once, and Node's binds a real socket", async () => {
    const { getTransport } = await fresh(() => import('../../core/runtime/get-transport.ts'))
    const transport = getTransport()
    expect(getTransport('node')).toBe(transport)
    expect(transport.runtime).toBe('node')
    const socket = await transport.bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    expect(socket.local).toMatchObject({ host: '127.0.0.1', family: 'IPv4' })
    await socket.close()
  })

  it('getGroupTransport() on Deno refuses to bind, saying why, and keeps the rest of the transport it was given', async () => {
    const { getGroupTransport } = await fresh(() => import('../../core/runtime/get-transport.ts'))
    const network = createMemoryNetwork()
    g.Deno = {}
    const transport = getGroupTransport({ address: '239.1.2.3:5000' }, network.transport)
    delete g.Deno
    expect(transport.runtime).toBe('deno')
    await expect(transport.bind({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })).rejects.toMatchObject({
      code: 'E_BIND',
      message:
        'multicast rooms do not work on Deno: it cannot choose the interface multicast leaves from; run this chat with Node or Bun',
    })
    await expect(transport.lookup('localhost')).resolves.toEqual({ host: '127.0.0.1', family: 'IPv4' })
  })

  it('encodeText is a Buffer on Node and a TextEncoder on Bun, the same bytes', async () => {
    const node = (await fresh(() => import('../../core/runtime/text.ts'))).encodeText('hé')
    g.Bun = {}
    const bun = (await fresh(() => import('../../core/runtime/text.ts'))).encodeText('hé')
    delete g.Bun
    expect(Buffer.isBuffer(node)).toBe(true)
    expect(Buffer.isBuffer(bun)).toBe(false)
    expect([...bun]).toEqual([...node])
    expect([...node]).toEqual([0x68, 0xc3, 0xa9])
  })
})
