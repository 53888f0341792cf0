import { describe, expect, it, vi } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import { heartbeat, relay, type RelayStatus } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

describe('heartbeat()', () => {
  it('sends ^hb^ at once and every interval, and quit when it stops', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const server = await kit({ network })
    const room = server.peer('room')
    const client = await kit({ network, plugins: [heartbeat({ to: `127.0.0.1:${room.address.port}`, interval: 5 })] })
    await client.settle()
    expect(room.take()).toEqual(['^hb^'])
    await vi.advanceTimersByTimeAsync(15_000)
    await client.settle()
    expect(room.take()).toEqual(['^hb^', '^hb^', '^hb^'])
    await client.close()
    await client.settle()
    expect(room.take()).toEqual(['quit'])
  })

  it('reports a relay that goes silent, answers again, and says Bye!', async () => {
    vi.useFakeTimers()
    const statuses: RelayStatus[] = []
    const network = createMemoryNetwork()
    const server = await kit({ network })
    const room = server.peer('room')
    const client = await kit({
      network,
      plugins: [
        heartbeat({
          to: `127.0.0.1:${room.address.port}`,
          interval: 1,
          silentAfter: 2,
          onStatus: (s) => statuses.push(s),
        }),
      ],
    })
    await vi.advanceTimersByTimeAsync(2000)
    expect(statuses).toEqual([{ state: 'silent', relay: `127.0.0.1:${room.address.port}`, seconds: 2 }])
    const say = (text: string) => network.deliver(new TextEncoder().encode(text), room.address, client.address)
    say('hello')
    say('Bye!')
    await client.settle()
    expect(statuses.slice(1).map((s) => s.state)).toEqual(['answering', 'bye'])
  })

  it('sends no quit to a relay that said Bye!, and quit again once it answered after it', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const server = await kit({ network })
    const room = server.peer('room')
    const to = `127.0.0.1:${room.address.port}`
    const say = (client: { address: typeof room.address }, text: string) =>
      network.deliver(new TextEncoder().encode(text), room.address, client.address)
    const closed = await kit({ network, plugins: [heartbeat({ to, interval: 1, onStatus: () => {} })] })
    say(closed, 'Bye!')
    await closed.settle()
    await closed.close()
    await closed.settle()
    expect(room.take()).toEqual(['^hb^'])
    const back = await kit({ network, plugins: [heartbeat({ to, interval: 1, onStatus: () => {} })] })
    say(back, 'Bye!')
    await back.settle()
    say(back, 'welcome back')
    await back.settle()
    await back.close()
    await back.settle()
    expect(room.take()).toEqual(['^hb^', 'quit'])
  })

  it('says nothing but heartbeats across a reload (no quit), and beats at the new interval after it', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const server = await kit({ network })
    const room = server.peer('room')
    const to = `127.0.0.1:${room.address.port}`
    const client = await kit({ network, plugins: [heartbeat({ to, interval: 1 })] })
    await client.settle()
    expect(room.take()).toEqual(['^hb^'])
    const report = await client.reload([heartbeat({ to, interval: 2 })])
    expect(report.changed).toEqual(['heartbeat'])
    await client.settle()
    expect(room.take().filter((text) => text !== '^hb^')).toEqual([])
    await vi.advanceTimersByTimeAsync(6_000)
    await client.settle()
    expect(room.take()).toEqual(['^hb^', '^hb^', '^hb^'])
  })

  it('joins a relay on the same network and keeps its membership across a reload', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const server = await kit({ network, plugins: [relay({ format: '{text}', timeout: 3 })] })
    const alice = server.peer('alice')
    const to = `127.0.0.1:${server.address.port}`
    const client = await kit({ network, plugins: [heartbeat({ to, interval: 1 })] })
    await client.reload([heartbeat({ to, interval: 2 })])
    await vi.advanceTimersByTimeAsync(10_000)
    await alice.send('hello')
    await client.settle()
    expect(client.messages.map((m) => m.text)).toEqual(['hello'])
  })

  it('sends its own text and no quit with `quit: false`', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const room = (await kit({ network })).peer('room')
    const client = await kit({
      network,
      plugins: [heartbeat({ to: `127.0.0.1:${room.address.port}`, interval: 1, text: 'ping!', quit: false })],
    })
    await vi.advanceTimersByTimeAsync(1_000)
    await client.settle()
    expect(room.take()).toEqual(['ping!', 'ping!'])
    await client.close()
    expect(room.take()).toEqual([])
  })

  it('says a custom quit word when it stops', async () => {
    const network = createMemoryNetwork()
    const room = (await kit({ network })).peer('room')
    const client = await kit({
      network,
      plugins: [heartbeat({ to: `127.0.0.1:${room.address.port}`, interval: 60, quit: 'bye now' })],
    })
    await client.settle()
    await client.close()
    await Promise.resolve()
    expect(room.take()).toEqual(['^hb^', 'bye now'])
  })

  it('with proven: true, believes no plain Bye!, even before the relay sent a cookie', async () => {
    const statuses: RelayStatus[] = []
    const network = createMemoryNetwork()
    const server = await kit({ network })
    const room = server.peer('room')
    const client = await kit({
      network,
      plugins: [heartbeat({ to: `127.0.0.1:${room.address.port}`, proven: true, onStatus: (s) => statuses.push(s) })],
    })
    network.deliver(new TextEncoder().encode('Bye!'), room.address, client.address)
    await client.settle()
    expect(statuses).toEqual([])
    expect(client.events.flatMap((e) => (e.type === 'drop' ? [e.reason] : []))).toEqual([
      "heartbeat: a Bye! without the relay's proof (forged?)",
    ])
  })
})

describe('heartbeat() finding and hearing its relay', () => {
  it.each(['localhost:PORT', 'an address object', 'a contact name'] as const)(
    'finds the relay given as %s',
    async (how) => {
      const network = createMemoryNetwork()
      const room = (await kit({ network })).peer('room')
      const { port } = room.address
      const to = how === 'localhost:PORT' ? `localhost:${port}` : how === 'a contact name' ? 'room' : room.address
      const client = await kit({
        network,
        config: { peers: { room: `127.0.0.1:${port}` } },
        plugins: [heartbeat({ to, interval: 60 })],
      })
      await client.settle()
      expect(room.take()).toEqual(['^hb^'])
    },
  )

  it('logs the relay going silent, answering again and saying Bye! when no onStatus is given', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const room = (await kit({ network })).peer('room')
    const relayAt = `127.0.0.1:${room.address.port}`
    const client = await kit({ network, plugins: [heartbeat({ to: relayAt, interval: 1, silentAfter: 2 })] })
    await vi.advanceTimersByTimeAsync(2000)
    const say = (text: string) => network.deliver(new TextEncoder().encode(text), room.address, client.address)
    say('hello')
    say('Bye!')
    await client.settle()
    expect(client.logs.map((l) => `${l.level} ${l.text}`)).toEqual([
      `warn ${relayAt} has sent nothing for 2 s: the relay may have stopped (still sending heartbeats)`,
      `info ${relayAt} is answering again`,
      `info ${relayAt} said Bye!: the relay has closed the room`,
    ])
  })

  it('takes a Bye! or an answer only from the relay, not from another sender', async () => {
    vi.useFakeTimers()
    const statuses: RelayStatus[] = []
    const network = createMemoryNetwork()
    const server = await kit({ network })
    const [room, stranger] = [server.peer('room'), server.peer('stranger')]
    const client = await kit({
      network,
      plugins: [
        heartbeat({
          to: `127.0.0.1:${room.address.port}`,
          interval: 1,
          silentAfter: 2,
          onStatus: (s) => statuses.push(s),
        }),
      ],
    })
    await vi.advanceTimersByTimeAsync(2000)
    expect(statuses.map((s) => s.state)).toEqual(['silent'])
    network.deliver(new TextEncoder().encode('Bye!'), stranger.address, client.address)
    await client.settle()
    expect(statuses.map((s) => s.state)).toEqual(['silent'])
    expect(client.messages.map((m) => m.text)).toEqual(['Bye!'])
  })
})
