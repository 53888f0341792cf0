import { describe, expect, it } from 'vitest'
import { ChatError } from '../../core/errors.ts'
import { createPeers, describePeer, resolveTarget } from '../../core/peers.ts'
import type { UdpTransport } from '../../core/runtime/types.ts'
import { createMemoryNetwork } from '../../core/testing.ts'

// The contact list and how a typed target becomes an address: contact names first, then
// HOST:PORT (a bare port is 127.0.0.1), with `localhost` answered without a lookup.
function recording() {
  const { transport } = createMemoryNetwork()
  const looked: string[] = []
  const spy: UdpTransport = { ...transport, lookup: (host) => (looked.push(host), transport.lookup(host)) }
  return { transport: spy, looked }
}

describe('createPeers()', () => {
  it('resolves each contact once, knows them both ways, in the order added', async () => {
    const { transport, looked } = recording()
    const peers = await createPeers({ alice: '10.0.0.1:7788', bob: 'localhost:9' }, transport)
    expect(looked).toEqual(['10.0.0.1', '127.0.0.1'])
    expect(peers.get('alice')).toEqual({ host: '10.0.0.1', port: 7788, family: 'IPv4' })
    expect(peers.get('bob')).toEqual({ host: '127.0.0.1', port: 9, family: 'IPv4' })
    expect(peers.get('carol')).toBeUndefined()
    expect(peers.nameOf({ host: '127.0.0.1', port: 9 })).toBe('bob')
    expect(peers.nameOf({ host: '127.0.0.1', port: 10 })).toBeUndefined()
    expect(peers.entries().map(([name]) => name)).toEqual(['alice', 'bob'])
  })

  it('moves a contact: the old address has no name any more, the new one has', async () => {
    const peers = await createPeers({}, createMemoryNetwork().transport)
    expect(peers.nameOf({ host: '10.0.0.1', port: 1 })).toBeUndefined()
    peers.set('alice', { host: '10.0.0.1', port: 1, family: 'IPv4' })
    peers.set('alice', { host: '10.0.0.2', port: 2, family: 'IPv4' })
    expect(peers.nameOf({ host: '10.0.0.1', port: 1 })).toBeUndefined()
    expect(peers.nameOf({ host: '10.0.0.2', port: 2 })).toBe('alice')
    expect(peers.entries()).toEqual([['alice', { host: '10.0.0.2', port: 2, family: 'IPv4' }]])
  })
})

describe('resolveTarget()', () => {
  it('takes an address as it is, a contact by name, HOST:PORT and a bare port', async () => {
    const { transport, looked } = recording()
    const peers = await createPeers({ alice: '10.0.0.1:7788' }, transport)
    const address = { host: '10.9.9.9', port: 1, family: 'IPv4' as const }
    expect(await resolveTarget(address, peers, transport)).toBe(address)
    expect(await resolveTarget('alice', peers, transport)).toEqual({ host: '10.0.0.1', port: 7788, family: 'IPv4' })
    expect(await resolveTarget('[::1]:5', peers, transport)).toEqual({ host: '::1', port: 5, family: 'IPv6' })
    expect(await resolveTarget('5', peers, transport)).toEqual({ host: '127.0.0.1', port: 5, family: 'IPv4' })
    expect(await resolveTarget('localhost:6', peers, transport)).toEqual({ host: '127.0.0.1', port: 6, family: 'IPv4' })
    expect(looked).toEqual(['10.0.0.1', '::1', '127.0.0.1', '127.0.0.1'])
  })

  it('refuses what is neither, naming the contacts there are, and port 0', async () => {
    const { transport } = recording()
    const none = await createPeers({}, transport)
    await expect(resolveTarget('bob', none, transport)).rejects.toMatchObject({
      code: 'E_TARGET',
      message: 'Unknown target `bob`: expected a contact name or HOST:PORT',
    })
    const two = await createPeers({ alice: '10.0.0.1:1', carol: '10.0.0.2:2' }, transport)
    await expect(resolveTarget('bob', two, transport)).rejects.toMatchObject({
      message: 'Unknown target `bob`: expected a contact name or HOST:PORT; contacts: alice, carol',
    })
    await expect(resolveTarget('10.0.0.1:0', two, transport)).rejects.toMatchObject({
      code: 'E_TARGET',
      message: "Cannot send to `10.0.0.1:0`: a target's port is 1-65535",
    })
    await expect(resolveTarget('nowhere.example:5', two, transport)).rejects.toMatchObject({ code: 'E_RESOLVE' })
  })
})

describe('describePeer()', () => {
  it('names a contact with its address, anyone else by address', async () => {
    const peers = await createPeers({ alice: '[::1]:7788' }, createMemoryNetwork().transport)
    expect(describePeer({ host: '::1', port: 7788, family: 'IPv6' }, peers)).toBe('alice ([::1]:7788)')
    expect(describePeer({ host: '10.0.0.1', port: 1, family: 'IPv4' }, peers)).toBe('10.0.0.1:1')
  })
})

describe('peers.set() with arguments of the wrong kind', () => {
  it('throws a ChatError saying what it got, and keeps the contacts as they were', async () => {
    // Before, ctx.peers.set('x', 42) was taken, and a later ctx.send('hi', 'x') sent to 42.
    const peers = await createPeers({ alice: '10.0.0.1:7788' }, createMemoryNetwork().transport)
    expect(() => peers.set('x', 42 as never)).toThrow(
      new ChatError(
        'E_TARGET',
        'peers.set(name, address): expected `address` to be an address ({ host, port }), got `42` (number)',
      ),
    )
    expect(() => peers.set(7 as never, { host: '10.0.0.2', port: 1, family: 'IPv4' })).toThrow(
      'peers.set(name, address): expected `name` to be a string, got `7` (number)',
    )
    expect(peers.entries().map(([name]) => name)).toEqual(['alice'])
  })
})
