import { describe, expect, it } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import type { RelayStatus } from '../../plugins/index.ts'
import { fresh } from '../helpers/fresh.ts'
import { kit } from '../helpers/kit.ts'

// How heartbeat() knows its relay from `to`: an IP address is the relay's host and port, a name it
// cannot look up is its port only. Loaded afresh in each test (see fresh.ts).
const bytes = (text: string) => new TextEncoder().encode(text)

async function heard(to: (relay: { host: string; port: number }) => string, relayHost = '127.0.0.1') {
  const { heartbeat } = await fresh(() => import('../../plugins/index.ts'))
  const network = createMemoryNetwork()
  const relay = network.bindNow({ host: relayHost, port: 0, onDatagram() {}, onError() {} })
  const statuses: RelayStatus[] = []
  const t = await kit({
    network,
    config: { peers: { lobby: `${relayHost.includes(':') ? `[${relayHost}]` : relayHost}:${relay.local.port}` } },
    plugins: [heartbeat({ to: to(relay.local), onStatus: (s) => statuses.push(s) })],
  })
  /** Whether a `Bye!` from `from` is taken as the relay's. */
  const byeFrom = async (from: { host: string; port: number }) => {
    const before = statuses.length
    network.deliver(bytes('Bye!\n'), { ...from, family: 'IPv4' }, t.address)
    await t.settle()
    return statuses.length > before
  }
  return { relay: relay.local, statuses, byeFrom }
}

describe('heartbeat() knowing its relay', () => {
  it.each([
    ['HOST:PORT', (r: { port: number }) => `127.10.20.30:${r.port}`],
    ['localhost:PORT', (r: { port: number }) => `localhost:${r.port}`],
    ['a contact name', () => 'lobby'],
    ['[IPv6]:PORT', (r: { port: number }) => `[::1]:${r.port}`],
  ])('given as %s, hears the relay (a Bye! ending in a newline too), not the same port elsewhere', async (how, to) => {
    const host = how === 'localhost:PORT' ? '127.0.0.1' : how === '[IPv6]:PORT' ? '::1' : '127.10.20.30'
    const { relay, statuses, byeFrom } = await heard(to, host)
    expect(await byeFrom({ host: '127.0.0.2', port: relay.port })).toBe(false)
    expect(await byeFrom(relay)).toBe(true)
    // Known as an address, the relay is named by its contact name.
    expect(statuses.at(-1)?.relay).toBe('lobby')
  })

  it('given a host name, which it does not look up, takes any datagram from the relay port as the relay', async () => {
    const { relay, statuses, byeFrom } = await heard((r) => `relay.invalid:${r.port}`)
    expect(await byeFrom({ host: '127.0.0.2', port: relay.port + 1 })).toBe(false)
    expect(await byeFrom({ host: '127.0.0.2', port: relay.port })).toBe(true)
    expect(statuses).toEqual([{ state: 'bye', relay: `relay.invalid:${relay.port}` }])
  })
})

describe('heartbeat() with a target it cannot know', () => {
  it('given a name that is neither a contact nor HOST:PORT, stops the chat at the start (a config error)', async () => {
    const { heartbeat } = await fresh(() => import('../../plugins/index.ts'))
    const network = createMemoryNetwork()
    const started = kit({ network, plugins: [heartbeat({ to: 'lobby' })] })
    await expect(started).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: 'Plugin "heartbeat" failed to start: Unknown target `lobby`: expected a contact name or HOST:PORT',
    })
  })
})
