import { describe, expect, it } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import { natsBridge, relay } from '../../plugins/index.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { kit } from '../helpers/kit.ts'
import { natsServerBin, NO_NATS_SERVER, startNatsServer } from '../helpers/nats-server.ts'
import { received, reported, statuses } from '../helpers/nats-room.ts'

// A bridge whose broker is down, comes back and goes again, in the test process against a real
// nats-server (see nats-bridge.test.ts).
if (!natsServerBin) console.warn(`skipped the in-process natsBridge() broker-down tests: ${NO_NATS_SERVER}`)

describe.skipIf(!natsServerBin)('natsBridge() with the broker down', () => {
  it('says so once, serves its members, counts what it could not forward, and says when it is back', async () => {
    const nats = await startNatsServer()
    closeAfterTest({ close: () => nats.stop() })
    await nats.kill()
    const url = `nats://${nats.url}`
    const room = relay({ format: '{from}: {text}' })
    const bridge = natsBridge({ relay: room, servers: [nats.url, url], name: 'east', retry: 0.05, whoWait: 50 })
    const east = await kit({ network: createMemoryNetwork(), plugins: [room, bridge] })
    const alice = east.peer('alice')
    const from = `127.0.0.1:${alice.address.port}`
    await alice.send('^hb^')
    await reported(east, 'down')
    ;(await alice.send('alone')).expectReply(`${from}: alone`)
    await alice.send('/who')
    expect(await received(alice.inbox, 2)).toEqual([
      `${from}: alone`,
      `who: 1 member on 1 relay (the bridge is down: this relay only): east 1 (${from})`,
    ])

    await nats.restart()
    expect(await reported(east, 'up')).toMatchObject({ state: 'up', relay: 'east', forwarded: 0, unforwarded: 1 })
    await nats.kill()
    await reported(east, 'down', 2)
    await alice.send('alone again')
    await nats.restart()
    expect(await reported(east, 'up', 2)).toMatchObject({ forwarded: 0, unforwarded: 2 })
    await alice.send('bridged')
    await east.close()
    expect(statuses(east, 'closed')).toMatchObject([{ forwarded: 1, unforwarded: 2 }])
    // One line per change, however many attempts failed meanwhile.
    expect(statuses(east).map((s) => s.state)).toEqual(['down', 'up', 'down', 'up', 'closed'])
    const logs = east.logs.filter((l) => l.text.startsWith('bridge')).map((l) => `${l.level} ${l.text}`)
    const broker = nats.url.replace(/\./g, '\\.')
    const expected = [
      `warn bridge down: cannot reach ${broker}, nats://${broker} \\(.+\\); serving the members here, retrying every 0\\.05 s`,
      `info bridge back on ${broker} after \\d s; 1 line said here so far could not be forwarded`,
      `warn bridge down: lost ${broker}; lines said here stay here until it is back`,
      `info bridge back on ${broker} after \\d s; 2 lines said here so far could not be forwarded`,
    ]
    expect(logs).toHaveLength(expected.length)
    for (const [i, line] of logs.entries()) expect(line).toMatch(new RegExp(`^${expected[i]}$`))
  }, 60_000)
})
