import { describe, expect, it, vi } from 'vitest'
import { autoReply, timeServer } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

const clock = () => new Date(2024, 0, 31, 13, 5, 9)

describe('the reply budget of autoReply() and timeServer()', () => {
  it('gives replies back gradually: maxReplies over window ms, one every window / maxReplies', async () => {
    vi.useFakeTimers()
    const t = await kit([autoReply({ rules: [['hi', 'hello']], maxReplies: 4, window: 2000 })])
    const bot = t.peer('bot')
    for (let i = 0; i < 4; i++) (await bot.send('hi')).expectReply('hello')
    ;(await bot.send('hi')).expectNoReply()
    vi.advanceTimersByTime(499)
    ;(await bot.send('hi')).expectNoReply()
    vi.advanceTimersByTime(1)
    ;(await bot.send('hi')).expectReply('hello')
    ;(await bot.send('hi')).expectNoReply()
    vi.advanceTimersByTime(1000)
    ;(await bot.send('hi')).expectReply('hello')
    ;(await bot.send('hi')).expectReply('hello')
    ;(await bot.send('hi')).expectNoReply()
  })

  it('counts per address whatever the port: a second port of the same host shares the budget', async () => {
    vi.useFakeTimers()
    const t = await kit([timeServer({ clock, maxReplies: 2, window: 60_000 })])
    const [first, second] = [t.peer('port 1'), t.peer('port 2')]
    expect(first.address.host).toBe(second.address.host)
    ;(await first.send('%Y')).expectReply('2024')
    ;(await second.send('%Y')).expectReply('2024')
    ;(await first.send('%Y')).expectNoReply()
    ;(await second.send('%Y')).expectNoReply()
  })

  it('warns, naming the address, maxReplies and window, at most once every 10 s while the loop goes on', async () => {
    vi.useFakeTimers()
    const t = await kit([timeServer({ clock, maxReplies: 1, window: 600_000 })])
    const bot = t.peer('bot')
    ;(await bot.send('%Y')).expectReply('2024')
    const warned = await bot.send('%Y')
    warned.expectNoReply()
    expect(warned.logs).toEqual([
      {
        level: 'warn',
        tag: 'timeServer',
        text: 'Not answering 127.0.0.1 for now: more than 1 replies in 600000 ms looks like a bot loop',
      },
    ])
    vi.advanceTimersByTime(9_999)
    expect((await bot.send('%Y')).logs).toEqual([])
    vi.advanceTimersByTime(1)
    expect((await bot.send('%Y')).logs.map((l) => l.level)).toEqual(['warn'])
    expect((await bot.send('%Y')).logs).toEqual([])
  })

  it('rejects a maxReplies that is not a whole number of at least 1, and a window under 1 ms', async () => {
    await expect(kit([timeServer({ maxReplies: 0 })])).rejects.toThrow(/plugins\[0\]\.maxReplies/)
    await expect(kit([timeServer({ maxReplies: 1.5 })])).rejects.toThrow(/plugins\[0\]\.maxReplies/)
    await expect(kit([autoReply({ rules: [], window: 0 })])).rejects.toThrow(/plugins\[0\]\.window/)
    await expect(kit([autoReply({ rules: [], maxReplies: 1, window: 1 })])).resolves.toBeDefined()
  })
})
