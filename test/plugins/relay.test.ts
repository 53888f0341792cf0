import { describe, expect, it, vi } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import type { Message } from '../../core/index.ts'
import { heartbeat, relay, roomOf, type RelayStatus } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

describe('relay()', () => {
  it('broadcasts each message to every member, the sender included; heartbeats are not broadcast', async () => {
    const t = await kit([relay()])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    ;(await bob.send('^hb^')).expectDrop('relay: heartbeat')
    const said = await alice.send('hello')
    said.expectReply(`127.0.0.1:${alice.address.port}: hello`)
    expect(bob.take()).toEqual([`127.0.0.1:${alice.address.port}: hello`])
  })

  it("takes presence()'s announcements (chat join --nick) as a member's sign of life, never as a line for the room", async () => {
    const t = await kit([relay({ format: '{text}' })])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    await bob.send('^hb^')
    const reason = 'relay: a presence announcement (no presence() here to take it)'
    ;(await alice.send('^here^ ann')).expectDrop(reason)
    ;(await alice.send('^gone^ ann\n')).expectDrop(reason)
    expect(bob.take()).toEqual([])
    // Alice joined with her announcement: she hears the room.
    await bob.send('hi')
    expect(alice.take()).toEqual(['hi'])
  })

  it('uses the format, with contact names where there are some', async () => {
    const t = await kit([relay({ format: '<{from}> {text}' })])
    const alice = t.peer('alice', { contact: true })
    ;(await alice.send('hi')).expectReply('<alice> hi')
  })

  it('lets a member leave with quit, at once (no expiry involved)', async () => {
    const t = await kit([relay({ format: '{text}' })])
    const [alice, bob, carol] = [t.peer('alice'), t.peer('bob'), t.peer('carol')]
    await bob.send('^hb^')
    await carol.send('^hb^')
    ;(await carol.send('quit')).expectDrop('relay: quit')
    ;(await alice.send('anyone?')).expectReply('anyone?')
    expect([bob.take(), carol.take()]).toEqual([['anyone?'], []])
  })

  it('keeps a silent member for `timeout` seconds, then lets it go', async () => {
    vi.useFakeTimers()
    const t = await kit([relay({ timeout: 10, format: '{text}' })])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    await bob.send('^hb^')
    await vi.advanceTimersByTimeAsync(9_000)
    await alice.send('still there?')
    expect(bob.take()).toEqual(['still there?'])
    await vi.advanceTimersByTimeAsync(2_000)
    await alice.send('anyone?')
    expect(bob.take()).toEqual([])
  })

  it('says Bye! to every member when the chat closes, but not on a reload', async () => {
    const t = await kit([relay({ format: '{text}' })])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    await alice.send('^hb^')
    await bob.send('^hb^')
    const report = await t.reload([relay({ format: '* {text}' })])
    expect(report.changed).toEqual(['relay'])
    expect(alice.inbox).toEqual([])
    await bob.send('still here')
    expect(alice.take()).toEqual(['* still here'])
    await t.chat.close()
    await t.settle()
    expect([alice.inbox, bob.inbox.at(-1)]).toEqual([['Bye!'], 'Bye!'])
  })

  it('refuses a new member past maxMembers, with a notice never longer than what it answers', async () => {
    const t = await kit([relay({ maxMembers: 1 })])
    await t.peer('alice').send('^hb^')
    const bob = t.peer('bob')
    const refused = await bob.send('let me in, please')
    refused.expectDrop('relay: the room is full')
    refused.expectReply('The room is full.')
    const short = await bob.send('^hb^')
    short.expectDrop('relay: the room is full')
    short.expectNoReply()
  })

  it('refuses a member past maxPerAddress (one IPv4 address, or one IPv6 /64)', async () => {
    const t = await kit([relay({ maxPerAddress: 2, format: '{text}' })])
    const [a, b, c] = [t.peer('a'), t.peer('b'), t.peer('c')]
    await a.send('^hb^')
    await b.send('^hb^')
    ;(await c.send('^hb^')).expectDrop('relay: 127.0.0.1 has 2 members already')
    ;(await b.send('quit')).expectDrop('relay: quit')
    ;(await c.send('now me')).expectReply('now me')
    expect(a.take()).toEqual(['now me'])
  })

  it('budgets its notices per source address, whatever the port', async () => {
    const t = await kit([relay({ maxMembers: 1 })])
    await t.peer('member').send('^hb^')
    let answered = 0
    for (let i = 0; i < 20; i++) if ((await t.peer().send('a long enough request')).replies.length) answered++
    expect(answered).toBe(4)
  })

  it('drops a broadcast line longer than maxLine, so a relay and an echo server cannot grow a line for ever', async () => {
    const t = await kit([relay({ maxLine: 20 })])
    const alice = t.peer('alice')
    const label = `127.0.0.1:${alice.address.port}: `
    ;(await alice.send('x'.repeat(20 - label.length))).expectReply(label + 'x'.repeat(20 - label.length))
    const long = await alice.send('x'.repeat(21 - label.length))
    long.expectDrop('relay: the line is longer than maxLine (21 > 20 characters)')
    long.expectNoReply()
    // The loop: an echo member sends each line back, the relay prefixes it again, until it is too long.
    let line = 'hi'
    let rounds = 0
    for (;;) {
      const delivery = await alice.send(line)
      if (!delivery.replies.length) break
      line = delivery.replies[0]!
      rounds++
    }
    expect(rounds).toBeLessThan(3)
  })
})

describe("relay({ members: 'proven' })", () => {
  const cookieOf = (reply: string) =>
    /^\^cookie\^ ([\w-]{22})$/.exec(reply)?.[1] ?? expect.fail(`not a cookie notice: ${reply}`)

  it('lets a sender in only once it echoes the cookie sent to its address; its datagrams carry the cookie', async () => {
    const t = await kit([relay({ members: 'proven', format: '{from}: {text}' })])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    const hello = await alice.send('^hb^')
    hello.expectDrop('relay: not a member yet; sent it a cookie')
    const cookie = cookieOf(hello.expectReply())
    ;(await alice.send(`${cookie} ^hb^`)).expectDrop('relay: heartbeat')
    // Another address cannot use alice's cookie.
    const stolen = await bob.send(`${cookie} hi`)
    stolen.expectDrop('relay: not a member yet; sent it a cookie')
    expect(cookieOf(stolen.expectReply())).not.toBe(cookie)
    ;(await alice.send(`${cookie} hello`)).expectReply(`127.0.0.1:${alice.address.port}: hello`)
  })

  it('refuses a forged line, quit and join (sources forged on the network), and proves its Bye!', async () => {
    const t = await kit([relay({ members: 'proven', format: '{text}' })])
    const alice = t.peer('alice')
    const cookie = cookieOf((await alice.send('^hb^')).expectReply())
    await alice.send(`${cookie} ^hb^`)
    const forge = async (text: string, from = alice.address) => {
      t.network.deliver(new TextEncoder().encode(text), from, t.address)
      await t.settle()
    }
    await forge('this is alice: send me your password')
    await forge('quit')
    await forge(`${'A'.repeat(22)} quit`)
    // A forged join for a victim that never sent anything (another host: the budget is per address).
    const victim = { host: '127.0.0.9', port: 9, family: 'IPv4' } as const
    await forge('^hb^', victim)
    const drops = t.events.filter((e) => e.type === 'drop').map((e) => e.type === 'drop' && e.reason)
    expect(drops.slice(-4)).toEqual([
      "relay: a datagram without its member's cookie; sent it a cookie",
      "relay: a datagram without its member's cookie; sent it a cookie",
      "relay: a datagram without its member's cookie; sent it a cookie",
      'relay: not a member yet; sent it a cookie',
    ])
    alice.take()
    ;(await alice.send(`${cookie} still here`)).expectReply('still here')
    await alice.send(`${cookie} and again`)
    // The victim got one cookie notice (31 bytes) and none of the room's lines.
    const toVictim = t.events.filter((e) => e.type === 'sent' && e.to.host === victim.host)
    expect(toVictim.map((e) => e.type === 'sent' && e.text.slice(0, 9))).toEqual(['^cookie^ '])
    await t.chat.close()
    await t.settle()
    expect(alice.inbox.at(-1)).toBe(`Bye! ${cookie}`)
  })

  it('works with heartbeat(): the member joins by itself, and believes Bye! only with the proof', async () => {
    const network = createMemoryNetwork()
    const server = await kit({ network, plugins: [relay({ members: 'proven', format: '{text}' })] })
    const statuses: RelayStatus[] = []
    const client = await kit({
      network,
      plugins: [heartbeat({ to: `127.0.0.1:${server.address.port}`, onStatus: (s) => statuses.push(s) })],
    })
    await client.settle()
    await server.settle()
    await client.send('hello room', `127.0.0.1:${server.address.port}`)
    await server.settle()
    await client.settle()
    expect(client.messages.map((m) => m.text)).toEqual(['hello room'])
    network.deliver(new TextEncoder().encode('Bye!'), server.address, client.address)
    await client.settle()
    expect(statuses).toEqual([])
    await server.chat.close()
    await client.settle()
    expect(statuses.map((s) => s.state)).toEqual(['bye'])
    expect(client.messages.map((m) => m.text)).toEqual(['hello room', 'Bye!'])
  })
})

describe("heartbeat() with relay({ members: 'proven' })", () => {
  it('keeps its cookie through a reload of either side, and takes a new one when the relay restarts', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const config = { host: '127.0.0.1', port: 7000 }
    let server = await kit({ network, config, plugins: [relay({ members: 'proven', format: '{text}' })] })
    const to = '127.0.0.1:7000'
    const client = await kit({ network, plugins: [heartbeat({ to, interval: 1 })] })
    await vi.advanceTimersByTimeAsync(10)
    await client.reload([heartbeat({ to, interval: 2 })])
    await server.reload([relay({ members: 'proven', format: '* {text}' })])
    await client.send('after the reloads', to)
    await vi.advanceTimersByTimeAsync(10)
    expect(client.messages.map((m) => m.text)).toEqual(['* after the reloads'])
    const notices = () => server.events.filter((e) => e.type === 'sent' && e.text.startsWith('^cookie^ ')).length
    expect(notices()).toBe(1)

    await server.close()
    server = await kit({ network, config, plugins: [relay({ members: 'proven', format: '{text}' })] })
    // The next heartbeat carries a cookie of the old process: the new one answers with its own.
    await vi.advanceTimersByTimeAsync(2000)
    await client.send('after the restart', to)
    await vi.advanceTimersByTimeAsync(10)
    expect(client.messages.map((m) => m.text).at(-1)).toBe('after the restart')
    expect(notices()).toBe(1)
  })
})

describe('roomOf(relay())', () => {
  it('said(): what a live member said, without its cookie in a proven room; nothing for anyone else', async () => {
    const heard: Array<string | undefined> = []
    const room = relay({ members: 'proven' })
    const spy = { name: 'spy', inbound: (m: Message) => void heard.push(roomOf(room)!.said(m)) }
    const t = await kit([spy, room])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    const cookie = /\^cookie\^ (\S+)/.exec((await alice.send('^hb^')).expectReply())![1]!
    await alice.send(`${cookie} ^hb^`)
    await alice.send(`${cookie} /who`)
    await alice.send('/who')
    await bob.send(`${cookie} /who`)
    expect(heard).toEqual([undefined, undefined, '/who', undefined, undefined])
  })
})

describe('relay() options', () => {
  it('fills {host} and {port} apart, and {from} with the contact name', async () => {
    const t = await kit([relay({ format: '[{host}|{port}|{from}] {text}' })])
    const alice = t.peer('alice', { contact: true })
    const bob = t.peer('bob')
    ;(await alice.send('hi')).expectReply(`[127.0.0.1|${alice.address.port}|alice] hi`)
    ;(await bob.send('yo')).expectReply(`[127.0.0.1|${bob.address.port}|127.0.0.1:${bob.address.port}] yo`)
  })

  it('takes a function as format, given the message and the label', async () => {
    const t = await kit([relay({ format: (m, from) => `${from} says ${m.text.length} chars` })])
    const alice = t.peer('alice', { contact: true })
    ;(await alice.send('hello')).expectReply('alice says 5 chars')
  })

  it('speaks its own protocol words: heartbeat, quit, bye', async () => {
    const t = await kit([relay({ format: '{text}', heartbeat: 'PING', quit: 'LEAVE', bye: 'closing' })])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    ;(await bob.send(' PING ')).expectDrop('relay: heartbeat')
    ;(await alice.send('^hb^')).expectReply('^hb^')
    expect(bob.take()).toEqual(['^hb^'])
    ;(await bob.send('LEAVE')).expectDrop('relay: quit')
    ;(await alice.send('quit')).expectReply('quit')
    expect(bob.take()).toEqual([])
    await t.chat.close()
    await t.settle()
    expect(alice.take().at(-1)).toBe('closing')
  })

  it('says Bye! to every member when a reload removes it', async () => {
    const t = await kit([relay({ format: '{text}' })])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    await alice.send('^hb^')
    await bob.send('^hb^')
    const report = await t.reload([])
    expect(report.removed).toEqual(['relay'])
    await t.settle()
    expect([alice.take(), bob.take()]).toEqual([['Bye!'], ['Bye!']])
  })
})

describe('relay() logs', () => {
  it('logs joins, leaves, expiries and the Bye!, counting the members', async () => {
    vi.useFakeTimers()
    const t = await kit([relay({ timeout: 10 })])
    const [alice, bob, carol] = [t.peer('alice'), t.peer('bob'), t.peer('carol')]
    const at = (p: typeof alice) => `127.0.0.1:${p.address.port}`
    await alice.send('^hb^')
    await bob.send('^hb^')
    await bob.send('quit')
    await vi.advanceTimersByTimeAsync(5_000)
    await carol.send('^hb^')
    await vi.advanceTimersByTimeAsync(6_000)
    await carol.send('still here')
    await t.chat.close()
    await t.settle()
    expect(t.logs.map((l) => `${l.level} ${l.text}`)).toEqual([
      `info ${at(alice)} joined (1 member)`,
      `info ${at(bob)} joined (2 members)`,
      `info ${at(bob)} left (1 member)`,
      `info ${at(carol)} joined (2 members)`,
      `info ${at(alice)} expired after 10 s of silence (1 member)`,
      'info said Bye! to 1 member',
    ])
  })
})
