import { describe, expect, it, vi } from 'vitest'
import { relay } from '../../plugins/index.ts'
import { kit } from './_kit.ts'

describe('relay()', () => {
  it('broadcasts each message to every member, the sender included; heartbeats are not broadcast', async () => {
    const t = await kit([relay()])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    ;(await bob.send('^hb^')).expectDrop('relay: heartbeat')
    const said = await alice.send('hello')
    said.expectReply(`127.0.0.1:${alice.address.port}: hello`)
    expect(bob.take()).toEqual([`127.0.0.1:${alice.address.port}: hello`])
  })

  it('uses the format, with contact names where there are some', async () => {
    const t = await kit([relay({ format: '<{from}> {text}' })])
    const alice = t.peer('alice', { contact: true })
    ;(await alice.send('hi')).expectReply('<alice> hi')
  })

  it('lets a member leave with quit, and expires a silent one', async () => {
    vi.useFakeTimers()
    const t = await kit([relay({ timeout: 10 })])
    const [alice, bob, carol] = [t.peer('alice'), t.peer('bob'), t.peer('carol')]
    await bob.send('^hb^')
    await carol.send('^hb^')
    ;(await carol.send('quit')).expectDrop('relay: quit')
    await vi.advanceTimersByTimeAsync(11_000)
    await alice.send('anyone?')
    expect([bob.inbox, carol.inbox]).toEqual([[], []])
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

  it('refuses a new member past maxMembers', async () => {
    const t = await kit([relay({ maxMembers: 1 })])
    await t.peer('alice').send('^hb^')
    const refused = await t.peer('bob').send('let me in')
    refused.expectDrop('relay: the room is full')
    refused.expectReply('Sorry, the room is full; try again later.')
  })
})
