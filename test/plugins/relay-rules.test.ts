import { describe, expect, it, vi } from 'vitest'
import type { Message } from '../../core/index.ts'
import { fresh } from '../helpers/fresh.ts'
import { kit } from '../helpers/kit.ts'

// The relay's rules past the happy path: budgets, warnings, expiry timing and summaries, what a
// bridge sees of it. Loaded afresh in each test (see fresh.ts): its limits are module-level.
const plugins = () => fresh(() => import('../../plugins/index.ts'))
const lines = (t: { logs: Array<{ level: string; text: string }> }) => t.logs.map((l) => `${l.level} ${l.text}`)
const at = (p: { address: { port: number } }) => `127.0.0.1:${p.address.port}`

describe('relay() budgets and warnings', () => {
  it('answers a full room with at most 4 notices per address at once, and one more each second', async () => {
    vi.useFakeTimers()
    const { relay } = await plugins()
    const t = await kit([relay({ maxMembers: 1 })])
    await t.peer('member').send('^hb^')
    const ask = async () => ((await t.peer().send('a long enough request')).replies.length ? 1 : 0)
    let answered = 0
    for (let i = 0; i < 6; i++) answered += await ask()
    expect(answered).toBe(4)
    await vi.advanceTimersByTimeAsync(1000)
    expect([await ask(), await ask()]).toEqual([1, 0])
  })

  it('answers at most 200 refused addresses at once, all addresses together', async () => {
    vi.useFakeTimers()
    const { relay } = await plugins()
    const t = await kit([relay({ maxMembers: 1 })])
    await t.peer('member').send('^hb^')
    const request = new TextEncoder().encode('a long enough request')
    for (let i = 0; i < 210; i++)
      t.network.deliver(request, { host: `127.0.${1 + (i >> 8)}.${i & 255}`, port: 9, family: 'IPv4' }, t.address)
    await t.settle()
    expect(t.events.filter((e) => e.type === 'sent' && e.text === 'The room is full.')).toHaveLength(200)
  })

  it('warns of a refused sender at once, then at most every 10 s, counting those refused meanwhile', async () => {
    vi.useFakeTimers()
    const { relay } = await plugins()
    const t = await kit([relay({ maxMembers: 1, maxPerAddress: 1 })])
    await t.peer('member').send('^hb^')
    const [a, b, c] = [t.peer('a'), t.peer('b'), t.peer('c')]
    ;(await a.send('^hb^')).expectDrop('relay: the room is full')
    await b.send('^hb^')
    await vi.advanceTimersByTimeAsync(9_999)
    await b.send('^hb^')
    await vi.advanceTimersByTimeAsync(1)
    await c.send('^hb^')
    await vi.advanceTimersByTimeAsync(10_000)
    await a.send('^hb^')
    const warnings = lines(t).filter((l) => l.startsWith('warn'))
    expect(warnings).toEqual([
      `warn Refused ${at(a)}: the room is full (maxMembers: 1)`,
      `warn Refused ${at(c)} (and 2 more since the last warning): the room is full (maxMembers: 1)`,
      `warn Refused ${at(a)}: the room is full (maxMembers: 1)`,
    ])
  })

  it('names the per-address limit when that is what refused the sender', async () => {
    const { relay } = await plugins()
    const t = await kit([relay({ maxPerAddress: 1 })])
    await t.peer('member').send('^hb^')
    const b = t.peer('b')
    ;(await b.send('^hb^')).expectDrop('relay: 127.0.0.1 has 1 members already')
    expect(lines(t).at(-1)).toBe(`warn Refused ${at(b)}: the room is full (maxPerAddress: 1)`)
  })

  it('counts the members of an address right when some leave: the rest still count', async () => {
    const { relay } = await plugins()
    const t = await kit([relay({ maxPerAddress: 2 })])
    const [a, b, c, d] = [t.peer('a'), t.peer('b'), t.peer('c'), t.peer('d')]
    await a.send('^hb^')
    await b.send('^hb^')
    await a.send('quit')
    ;(await c.send('^hb^')).expectDrop('relay: heartbeat')
    ;(await d.send('^hb^')).expectDrop('relay: 127.0.0.1 has 2 members already')
    await b.send('quit')
    await c.send('quit')
    ;(await d.send('^hb^')).expectDrop('relay: heartbeat')
  })
})

describe('relay() expiry', () => {
  it('lets a member go after exactly `timeout` seconds of silence, found by a sweep every timeout/2', async () => {
    vi.useFakeTimers()
    const { relay } = await plugins()
    const t = await kit([relay({ timeout: 1.05 })])
    const alice = t.peer('alice')
    await alice.send('^hb^')
    await vi.advanceTimersByTimeAsync(1049)
    expect(lines(t)).toEqual([`info ${at(alice)} joined (1 member)`])
    await vi.advanceTimersByTimeAsync(1)
    expect(lines(t).at(-1)).toBe(`info ${at(alice)} expired after 1.05 s of silence (0 members)`)
  })

  it('sweeps no more often than every 100 ms, however short the timeout', async () => {
    vi.useFakeTimers()
    const { relay } = await plugins()
    const t = await kit([relay({ timeout: 0.15 })])
    await t.peer('alice').send('^hb^')
    await vi.advanceTimersByTimeAsync(199)
    expect(lines(t)).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(lines(t)).toHaveLength(2)
  })

  it('sweeps at least every 5 s, however long the timeout', async () => {
    vi.useFakeTimers()
    const { relay } = await plugins()
    const t = await kit([relay({ timeout: 62 })])
    await t.peer('alice').send('^hb^')
    await vi.advanceTimersByTimeAsync(64_999)
    expect(lines(t)).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(lines(t)).toHaveLength(2)
  })

  it('logs five expiries one by one and sums up the rest in one line', async () => {
    vi.useFakeTimers()
    const { relay } = await plugins()
    const t = await kit([relay({ timeout: 10 })])
    const members = Array.from({ length: 8 }, (_, i) => t.peer(`m${i}`))
    for (const m of members) await m.send('^hb^')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(lines(t).slice(8)).toEqual([
      ...members.slice(0, 5).map((m, i) => `info ${at(m)} expired after 10 s of silence (${7 - i} members)`),
      'info ... and 3 more expired (0 members)',
    ])
  })

  it('logs exactly five expiries without a summary line', async () => {
    vi.useFakeTimers()
    const { relay } = await plugins()
    const t = await kit([relay({ timeout: 10 })])
    for (let i = 0; i < 5; i++) await t.peer().send('^hb^')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(lines(t).filter((l) => l.includes('expired'))).toHaveLength(5)
    expect(lines(t).at(-1)).toMatch(/expired after 10 s of silence \(0 members\)$/)
  })

  it("takes a stranger's quit quietly: nobody left", async () => {
    const { relay } = await plugins()
    const t = await kit([relay()])
    const quit = await t.peer('stranger').send('quit')
    quit.expectDrop('relay: quit')
    expect([quit.errors, t.logs]).toEqual([[], []])
  })

  it('says nothing on closing an empty room', async () => {
    const { relay } = await plugins()
    const t = await kit([relay()])
    await t.chat.close()
    expect(t.logs).toEqual([])
  })
})

describe('roomOf(relay()), as a bridge sees it', () => {
  it('tells its members, their number, whether an address is one, what they said, and its line format', async () => {
    const { relay, roomOf, isRelay, heartbeat } = await plugins()
    const plugin = relay({ format: '{from} > {text}' })
    const room = roomOf(plugin)!
    const t = await kit([plugin])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    await alice.send('^hb^')
    expect([room.size(), [...room.members()], room.has(alice.address), room.has(bob.address)]).toEqual([
      1,
      [expect.objectContaining({ host: '127.0.0.1', port: alice.address.port })],
      true,
      false,
    ])
    const message = { text: 'hi', from: alice.address } as Message
    expect([room.said(message), room.said({ ...message, from: bob.address }), room.format(message, 'al')]).toEqual([
      'hi',
      undefined,
      'al > hi',
    ])
    const byFunction = relay({ format: (m, from) => `${from}=${m.text}` })
    await kit([byFunction])
    expect(roomOf(byFunction)!.format(message, 'x')).toBe('x=hi')
    expect([isRelay(plugin), isRelay(heartbeat({ to: 'x' })), isRelay(null), roomOf(heartbeat({ to: 'x' }))]).toEqual([
      true,
      false,
      false,
      undefined,
    ])
  })

  it('hears each line said until it stops listening', async () => {
    const { relay, roomOf } = await plugins()
    const plugin = relay()
    const heard: string[] = []
    const stop = roomOf(plugin)!.listen((m, from) => heard.push(`${from} ${m.text}`))
    const t = await kit([plugin])
    const alice = t.peer('alice', { contact: true })
    await alice.send('one')
    stop()
    await alice.send('two')
    expect(heard).toEqual(['alice one'])
  })

  it('logs a listener that throws in one line, and the relay, the other listeners and the message go on', async () => {
    // Before, the throw was the relay's inbound failure: later listeners missed the line, and a
    // listener throwing 10 times in a row switched the relay's inbound hook off.
    const { relay, roomOf } = await plugins()
    const plugin = relay()
    const heard: string[] = []
    roomOf(plugin)!.listen(() => {
      throw new Error('mirror down')
    })
    roomOf(plugin)!.listen(async () => {
      throw new Error('bridge down')
    })
    roomOf(plugin)!.listen((m, from) => heard.push(`${from} ${m.text}`))
    const t = await kit({ plugins: [plugin], maxFailures: 1 })
    const alice = t.peer('alice', { contact: true })
    const first = await alice.send('one')
    const second = await alice.send('two')
    expect(heard).toEqual(['alice one', 'alice two'])
    expect([...first.errors, ...second.errors]).toEqual([])
    expect(second.expectDelivered('two').text).toBe('two')
    expect(lines(t).filter((l) => l.includes(' down'))).toEqual([
      'error a listener of the room failed: mirror down',
      'error a listener of the room failed: bridge down',
      'error a listener of the room failed: mirror down',
      'error a listener of the room failed: bridge down',
    ])
  })
})
