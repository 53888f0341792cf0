import { describe, expect, it, vi } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import type { RelayStatus } from '../../plugins/index.ts'
import { fresh } from '../helpers/fresh.ts'
import { kit } from '../helpers/kit.ts'

// heartbeat() and what its relay says: cookies, a proven Bye!, silence, who counts as the relay.
// Loaded afresh in each test (see fresh.ts): the cookie's shape and notice are module-level.
const COOKIE = 'Abc-_0123456789xyzXYZ9'
const bytes = (text: string) => new TextEncoder().encode(text)

async function client(options: object = {}) {
  const { heartbeat } = await fresh(() => import('../../plugins/index.ts'))
  const network = createMemoryNetwork()
  const server = await kit({ network })
  const [room, other] = [server.peer('room'), server.peer('other')]
  const statuses: RelayStatus[] = []
  const onStatus = (s: RelayStatus) => statuses.push(s)
  const to = `127.0.0.1:${room.address.port}`
  const t = await kit({ network, plugins: [heartbeat({ to, interval: 1, onStatus, ...options })] })
  await t.settle()
  room.take()
  /** The relay (or `from`) says `text` to the client. */
  const say = async (text: string, from = room.address) => {
    network.deliver(bytes(text), from, t.address)
    await t.settle()
  }
  const drops = () => t.events.flatMap((e) => (e.type === 'drop' ? [e.reason] : []))
  return { t, room, other, statuses, say, drops, to }
}

describe('heartbeat() with a relay that sends a cookie', () => {
  it('echoes the cookie at once and puts it in front of all it sends to the relay, and only to the relay', async () => {
    const { t, room, other, say, drops } = await client()
    await say(`^cookie^ ${COOKIE}`)
    expect(drops()).toEqual(["heartbeat: the relay's cookie"])
    expect(room.take()).toEqual([`${COOKIE} ^hb^`])
    await t.send('hello', room)
    await t.send('hello', other)
    expect([room.take(), other.take()]).toEqual([[`${COOKIE} hello`], ['hello']])
  })

  it('takes no cookie from a notice that does not hold exactly one', async () => {
    const { t, room, say, drops } = await client()
    for (const notice of ['^cookie^ short', `^cookie^ ${COOKIE}x`, `^cookie^ x${COOKIE}`, '^cookie^']) await say(notice)
    expect(drops()).toEqual(Array(4).fill('heartbeat: a cookie notice without a cookie'))
    await t.send('hello', room)
    expect(room.take()).toEqual(['hello'])
  })

  it('believes only a Bye! with its cookie once it has one, and shows it as Bye!', async () => {
    const { t, say, statuses, drops } = await client()
    await say(`^cookie^ ${COOKIE}`)
    await say('Bye!')
    await say(`Bye! ${'x'.repeat(22)}`)
    expect(statuses).toEqual([])
    expect(drops().at(-1)).toBe("heartbeat: a Bye! without the relay's proof (forged?)")
    await say(`Bye! ${COOKIE}`)
    expect(statuses).toEqual([{ state: 'bye', relay: expect.any(String) }])
    expect(t.messages.map((m) => m.text)).toEqual([`Bye! ${'x'.repeat(22)}`, 'Bye!'])
  })
})

describe('heartbeat() hearing its relay', () => {
  it('reports silence once per silence, after silentAfter intervals, in seconds', async () => {
    vi.useFakeTimers()
    const { statuses, say, to } = await client({ interval: 0.5, silentAfter: 3 })
    await vi.advanceTimersByTimeAsync(1499)
    expect(statuses).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(statuses).toEqual([{ state: 'silent', relay: to, seconds: 1.5 }])
    await vi.advanceTimersByTimeAsync(5000)
    expect(statuses).toHaveLength(1)
    await say('hello')
    await say('hello again')
    expect(statuses.map((s) => s.state)).toEqual(['silent', 'answering'])
    await vi.advanceTimersByTimeAsync(1500)
    expect(statuses.map((s) => s.state)).toEqual(['silent', 'answering', 'silent'])
  })

  it('counts a datagram as news after a Bye!, and any datagram of the relay as an answer', async () => {
    vi.useFakeTimers()
    const { statuses, say } = await client({ interval: 1, silentAfter: 2 })
    await vi.advanceTimersByTimeAsync(1000)
    await say('something')
    await vi.advanceTimersByTimeAsync(1000)
    expect(statuses).toEqual([])
    await say('Bye!')
    await vi.advanceTimersByTimeAsync(5000)
    await say('back')
    expect(statuses.map((s) => s.state)).toEqual(['bye', 'answering'])
  })

  it('takes the relay to be its address and port: the same port on another host is someone else', async () => {
    const { room, say, statuses } = await client()
    await say('Bye!', { ...room.address, host: '127.0.0.2' })
    await say('Bye!', { ...room.address, port: room.address.port + 1 })
    expect(statuses).toEqual([])
    await say('Bye!')
    expect(statuses.map((s) => s.state)).toEqual(['bye'])
  })

  it('names the relay by its contact name when it is given as an address', async () => {
    const { heartbeat } = await fresh(() => import('../../plugins/index.ts'))
    const network = createMemoryNetwork()
    const room = (await kit({ network })).peer('room')
    const statuses: RelayStatus[] = []
    const t = await kit({
      network,
      config: { peers: { lobby: `127.0.0.1:${room.address.port}` } },
      plugins: [heartbeat({ to: room.address, onStatus: (s) => statuses.push(s) })],
    })
    network.deliver(bytes('Bye!'), room.address, t.address)
    await t.settle()
    expect(statuses).toEqual([{ state: 'bye', relay: 'lobby' }])
  })
})

describe('heartbeat() and forged cookie notices', () => {
  const cookie = (n: number) => `${COOKIE.slice(0, 18)}${String(n).padStart(4, '0')}`

  it('takes one notice per heartbeat at most: a flood of forged ones makes it send nothing more', async () => {
    vi.useFakeTimers()
    const { t, room, say, drops } = await client()
    for (let i = 0; i < 50; i++) await say(`^cookie^ ${cookie(i)}`)
    // The first is taken and echoed (it cannot be told from the relay's); the rest are dropped unsent.
    expect(room.take()).toEqual([`${cookie(0)} ^hb^`])
    expect(drops().slice(1)).toEqual(
      Array(49).fill('heartbeat: a cookie notice already taken since the last heartbeat'),
    )
    // The next heartbeat carries the cookie taken, and lets one more notice in.
    await vi.advanceTimersByTimeAsync(1000)
    expect(room.take()).toEqual([`${cookie(0)} ^hb^`])
    await say(`^cookie^ ${cookie(0)}`)
    expect(drops().at(-1)).toBe('heartbeat: the cookie it has already')
    await say(`^cookie^ ${COOKIE}`)
    expect(room.take()).toEqual([`${COOKIE} ^hb^`])
    await t.send('hello', room)
    expect(room.take()).toEqual([`${COOKIE} hello`])
    vi.useRealTimers()
  })
})
