import { hostname } from 'node:os'
import type { Msg } from '@nats-io/nats-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Message } from '../../core/index.ts'
import { createMemoryNetwork, type MemoryNetwork, type TestChat } from '../../core/testing.ts'
import { natsBridge, relay, type NatsBridgeOptions } from '../../plugins/index.ts'
import { decodeLine, encodeLine, type BridgedLine } from '../../plugins/_bridge-wire.ts'
import { kit } from '../helpers/kit.ts'
import { natsServerBin, NO_NATS_SERVER, startNatsServer, type NatsServer } from '../helpers/nats-server.ts'
import { bridgesListening, client, received, reported, statuses, WAIT } from '../helpers/nats-room.ts'

// The bridge in the test process against a real nats-server (so mutation testing sees it); the
// members are on the in-memory network. Said on every run without the server, so a green run
// never hides that these did not run.
if (!natsServerBin) console.warn(`skipped the in-process natsBridge() tests: ${NO_NATS_SERVER}`)

let nats: NatsServer
let subjects = 0
beforeAll(async () => {
  if (natsServerBin) nats = await startNatsServer()
})
afterAll(() => nats?.stop())

/** A relay bridged on `subject`, on `network`. */
async function bridged(
  network: MemoryNetwork,
  name: string | undefined,
  subject: string,
  options: Partial<NatsBridgeOptions> = {},
): Promise<TestChat> {
  const room = relay({ format: '{from}: {text}' })
  return kit({
    network,
    plugins: [room, natsBridge({ relay: room, servers: nats.url, subject, retry: 0.05, name, ...options })],
  })
}

/** Two relays, east and west, bridged on a fresh subject, each with one member that joined. */
async function twoRelays(more: Partial<NatsBridgeOptions> = {}) {
  const subject = `test${++subjects}.room`
  const network = createMemoryNetwork()
  const east = await bridged(network, 'east', subject, more)
  const west = await bridged(network, 'west', subject, more)
  await Promise.all([reported(east, 'up'), reported(west, 'up')])
  const nc = await client(nats.url)
  await bridgesListening(nc, subject, 2)
  const [alice, bob] = [east.peer('alice'), west.peer('bob')]
  await alice.send('^hb^')
  await bob.send('^hb^')
  return {
    subject,
    network,
    east,
    west,
    alice,
    bob,
    nc,
    at: (p: { address: { port: number } }) => `127.0.0.1:${p.address.port}`,
  }
}

describe.skipIf(!natsServerBin)('natsBridge() in process, against a real nats-server', () => {
  it('takes a line said at one relay to the members of the other, as {from}@{relay}, once', async () => {
    const { east, west, alice, bob, at } = await twoRelays()
    ;(await alice.send('hello')).expectReply(`${at(alice)}: hello`)
    expect(await received(bob.inbox)).toEqual([`${at(alice)}@east: hello`])
    ;(await bob.send('hi')).expectReply(`${at(bob)}: hi`)
    await received(alice.inbox, 2)
    expect(alice.take()).toEqual([`${at(alice)}: hello`, `${at(bob)}@west: hi`])
    await east.settle()
    await west.settle()
    expect(bob.inbox).toEqual([`${at(alice)}@east: hello`, `${at(bob)}: hi`])
  })

  it('publishes each line once, with its origin, a sequence number from 1, the relay, sender and text', async () => {
    const { subject, alice, nc, at } = await twoRelays()
    const heard: BridgedLine[] = []
    nc.subscribe(subject, { callback: (_, msg) => void heard.push(decodeLine(msg.data)!) })
    await nc.flush()
    await alice.send('one')
    await alice.send('two')
    await vi.waitFor(() => expect(heard).toHaveLength(2), WAIT)
    const [first, second] = heard
    expect(first).toEqual({
      origin: expect.stringMatching(/^[\w-]{36}$/),
      seq: 1,
      relay: 'east',
      from: at(alice),
      host: '127.0.0.1',
      port: alice.address.port,
      text: 'one',
    })
    expect(second).toMatchObject({ origin: first!.origin, seq: 2, text: 'two' })
  })

  it('labels lines from elsewhere with its `label` template', async () => {
    const { alice, bob, at } = await twoRelays({ label: '{relay}/{from}/{relay}' })
    await alice.send('x')
    expect(await received(bob.inbox)).toEqual([`east/${at(alice)}/east: x`])
  })

  it('counts what it delivered, took twice, missed and could not read, and skips its own lines', async () => {
    const subject = `test${++subjects}.room`
    const network = createMemoryNetwork()
    const seen: Message[] = []
    const room = relay({ format: (m, from) => (seen.push(m), `${from}: ${m.text}`) })
    const west = await kit({
      network,
      plugins: [room, natsBridge({ relay: room, servers: nats.url, subject, name: 'west' })],
    })
    await reported(west, 'up')
    const bob = west.peer('bob')
    await bob.send('^hb^')
    seen.length = 0
    const nc = await client(nats.url)
    await bridgesListening(nc, subject, 1)
    const line = (seq: number, more: Partial<BridgedLine> = {}) =>
      encodeLine({ origin: 'o1', seq, relay: 'far', from: 'zed', host: '127.0.0.5', port: 7, text: `l${seq}`, ...more })
    nc.publish(subject, new TextEncoder().encode('not a line'))
    nc.publish(subject, line(1))
    nc.publish(subject, line(1))
    nc.publish(subject, line(4))
    nc.publish(subject, line(3))
    nc.publish(subject, line(9, { origin: 'o2', host: '::1', port: 9, relay: 'six' }))
    expect(await received(bob.inbox, 4)).toEqual(['zed@far: l1', 'zed@far: l4', 'zed@far: l3', 'zed@six: l9'])
    expect(seen.map((m) => [m.text, m.from, m.meta, m.encoding, m.bytes.byteLength])).toEqual([
      ['l1', { host: '127.0.0.5', port: 7, family: 'IPv4' }, { relay: 'far', bridged: true }, 'utf-8', 0],
      ['l4', { host: '127.0.0.5', port: 7, family: 'IPv4' }, { relay: 'far', bridged: true }, 'utf-8', 0],
      ['l3', { host: '127.0.0.5', port: 7, family: 'IPv4' }, { relay: 'far', bridged: true }, 'utf-8', 0],
      ['l9', { host: '::1', port: 9, family: 'IPv6' }, { relay: 'six', bridged: true }, 'utf-8', 0],
    ])
    // A line of its own origin (its own line, come back through a second path) is not delivered again.
    const own: BridgedLine[] = []
    nc.subscribe(subject, { callback: (_, msg) => void own.push(decodeLine(msg.data)!) })
    await nc.flush()
    await bob.send('mine')
    await vi.waitFor(() => expect(own).toHaveLength(1), WAIT)
    bob.take()
    nc.publish(subject, encodeLine({ ...own[0]!, seq: 99 }))
    nc.publish(subject, line(5))
    expect(await received(bob.inbox)).toEqual(['zed@far: l5'])
    await west.close()
    expect(statuses(west, 'closed')).toEqual([
      {
        state: 'closed',
        subject,
        relay: 'west',
        forwarded: 1,
        unforwarded: 0,
        delivered: 5,
        duplicates: 1,
        // 2 and 3 missing after 4, then 3 came late.
        missed: 1,
        malformed: 1,
      },
    ])
  })

  it('logs how it bridged, and names itself HOSTNAME:PORT by default', async () => {
    const subject = `test${++subjects}.room`
    const east = await bridged(createMemoryNetwork(), undefined, subject)
    const up = await reported(east, 'up')
    const name = `${hostname()}:${east.address.port}`
    expect(up).toEqual({
      state: 'up',
      subject,
      relay: name,
      forwarded: 0,
      unforwarded: 0,
      delivered: 0,
      duplicates: 0,
      missed: 0,
      malformed: 0,
    })
    expect(east.logs.map((l) => `${l.level} ${l.text}`)).toEqual([
      `info bridged ${subject} through ${nats.url} as ${name}`,
    ])
  })

  it('stops publishing when it is removed, and says so in its last report', async () => {
    const { east, west, alice, bob, nc, subject } = await twoRelays()
    const heard: Msg[] = []
    nc.subscribe(subject, { callback: (_, msg) => void heard.push(msg) })
    await nc.flush()
    const report = await east.reload([relay({ format: '{from}: {text}' })])
    expect(report.removed).toEqual(['natsBridge'])
    expect(statuses(east, 'closed')).toMatchObject([{ state: 'closed', relay: 'east', forwarded: 0 }])
    await alice.send('after the bridge went')
    // A line bob says is still published by west: had east published its line, it would be there first.
    await bob.send('marker')
    await vi.waitFor(() => expect(heard).toHaveLength(1), WAIT)
    expect(decodeLine(heard[0]!.data)?.text).toBe('marker')
    await west.settle()
  })
})
