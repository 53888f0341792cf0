import { describe, expect, it } from 'vitest'
import { resolveConfig, type Plugin } from '../../core/index.ts'
import { fresh } from '../helpers/fresh.ts'

// natsBridge()'s options as a config gets them (no broker needed: options are checked before
// setup). Loaded afresh in each test (see fresh.ts): the schema is module-level.
const plugins = () => fresh(() => import('../../plugins/index.ts'))

function check(plugin: Plugin<any>): Record<string, unknown> | string {
  try {
    return resolveConfig({ plugins: [plugin] }).plugins[0]!.options as Record<string, unknown>
  } catch (error) {
    return (error as Error).message.replace(/^config: plugins\[0\]\./, '').replace(/, got .*$/, '')
  }
}

describe('natsBridge() options', () => {
  it('defaults to the broker on 127.0.0.1:4222, the lobby subject, {from}@{relay}, /who waiting 500 ms, retry every 2 s', async () => {
    const { natsBridge, relay } = await plugins()
    const room = relay()
    expect(check(natsBridge({ relay: room }))).toEqual({
      relay: room,
      servers: '127.0.0.1:4222',
      subject: 'udpchat.room.lobby',
      label: '{from}@{relay}',
      who: '/who',
      whoWait: 500,
      retry: 2,
      nats: {},
    })
    const edge = {
      servers: ['a:1', 'tls://b:2'] as string[],
      subject: 'A-z_0.9',
      name: 'n'.repeat(64),
      whoWait: 10_000,
      retry: 0.01,
      nats: { user: 'u' },
    }
    expect(check(natsBridge({ relay: room, ...edge, who: false }))).toMatchObject({ ...edge, who: false })
    expect(check(natsBridge({ relay: room, whoWait: 1, subject: 'x' }))).toMatchObject({ whoWait: 1, subject: 'x' })
  })

  it('says what is wrong with a bad option', async () => {
    const { natsBridge, relay, heartbeat } = await plugins()
    const bad = (options: object) => check(natsBridge({ relay: relay(), ...options } as never))
    const notRelay = 'relay: expected the relay() plugin of this config (`const room = relay()`, then `relay: room`)'
    for (const thing of [{}, null, 'relay', heartbeat({ to: 'x' })]) expect(bad({ relay: thing })).toBe(notRelay)
    const servers = 'servers: expected a server (HOST:PORT or nats://...) or a list of them'
    for (const list of ['', [], 5]) expect(bad({ servers: list }), JSON.stringify(list)).toBe(servers)
    expect(bad({ servers: ['a:1', ''] })).toBe(servers.replace('servers', 'servers[1]'))
    const subject =
      'subject: expected a NATS subject of tokens joined by dots (no wildcards), e.g. `udpchat.room.lobby`'
    for (const s of ['a.*', 'a.>', 'a..b', '.a', 'a.', 'a b', '']) expect(bad({ subject: s }), s).toBe(subject)
    expect(bad({ name: 'n'.repeat(65) })).toBe('name: expected a name of at most 64 characters')
    expect(bad({ name: '' })).toBe('name: expected a name of 1 character or more')
    expect(bad({ name: 5 })).toBe('name: expected a name')
    expect(bad({ label: 5 })).toBe('label: expected a template string such as `{from}@{relay}`')
    for (const who of ['', true]) expect(bad({ who })).toBe('who: expected a string or false')
    for (const whoWait of [0, 10_001])
      expect(bad({ whoWait })).toBe('whoWait: expected a number of milliseconds from 1 to 10000')
    expect(bad({ whoWait: '1' })).toBe('whoWait: expected a number of milliseconds')
    expect(bad({ retry: 0 })).toBe('retry: expected a number of seconds above 0')
    expect(bad({ retry: '2' })).toBe('retry: expected a number of seconds')
    for (const nats of [[], null, 'user:pass'])
      expect(bad({ nats })).toBe('nats: expected an object of NATS connection options')
  })
})
