import { describe, expect, it, vi } from 'vitest'
import { autoReply } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

describe('autoReply()', () => {
  it('answers the first rule that matches: a whole string, a RegExp with $1, a function', async () => {
    const t = await kit([
      autoReply({
        rules: [
          ['ping', 'pong'],
          [/^my name is (\w+)/i, 'hello, $1!'],
          [/^add (\d+) (\d+)$/, (_m, match) => String(Number(match![1]) + Number(match![2]))],
        ],
      }),
    ])
    const alice = t.peer()
    ;(await alice.send('ping')).expectReply('pong')
    ;(await alice.send('  ping\n')).expectReply('pong')
    ;(await alice.send('My name is Ada')).expectReply('hello, Ada!')
    ;(await alice.send('add 2 40')).expectReply('42')
    ;(await alice.send('pingpong')).expectNoReply()
  })

  it('a function that returns nothing passes to the next rule', async () => {
    const t = await kit([
      autoReply({
        rules: [
          [/.*/, () => undefined],
          [/.*/, 'fallback'],
        ],
      }),
    ])
    ;(await t.peer().send('x')).expectReply('fallback')
  })

  it('stops answering a peer past maxReplies in a window, warns once, and answers again after it', async () => {
    vi.useFakeTimers()
    const t = await kit([autoReply({ rules: [['hi', 'hi']], maxReplies: 2, window: 1000 })])
    const bot = t.peer('bot')
    ;(await bot.send('hi')).expectReply('hi')
    ;(await bot.send('hi')).expectReply('hi')
    const third = await bot.send('hi')
    third.expectNoReply()
    expect(third.logs.map((l) => l.level)).toEqual(['warn'])
    expect((await bot.send('hi')).logs).toEqual([])
    vi.advanceTimersByTime(1000)
    ;(await bot.send('hi')).expectReply('hi')
  })

  it('rejects a rule that is not [match, reply] with the option path', async () => {
    await expect(kit([autoReply({ rules: [['x'] as never] })])).rejects.toThrow(/plugins\[0\]\.rules\[0\]/)
  })
})
