import { describe, expect, it, vi } from 'vitest'
import { autoReply } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

describe('autoReply() rules', () => {
  it('autoReply() expands $& and every $N of a RegExp match; a group that did not match becomes ""', async () => {
    const t = await kit([autoReply({ rules: [[/(\w+)@(\w+)(!)?/, '[$&] user $1 at $2, bang "$3", none "$7"']] })])
    ;(await t.peer().send('mail ada@home now')).expectReply('[ada@home] user ada at home, bang "", none ""')
  })

  it('autoReply() answers a global RegExp every time, not every other time', async () => {
    const t = await kit([autoReply({ rules: [[/ping/g, 'pong']] })])
    const peer = t.peer()
    for (let i = 0; i < 3; i++) (await peer.send('ping')).expectReply('pong')
  })

  it('autoReply() matches a string rule against the whole trimmed text only', async () => {
    const t = await kit([autoReply({ rules: [['ping', 'pong']] })])
    const peer = t.peer()
    ;(await peer.send('\t ping \r\n')).expectReply('pong')
    ;(await peer.send('ping?')).expectNoReply()
    ;(await peer.send('a ping')).expectNoReply()
  })

  it('autoReply() hands a function the message, and no match for a string rule', async () => {
    const calls: Array<[string, unknown]> = []
    const t = await kit([
      autoReply({
        rules: [
          [
            'who',
            (message, match) => {
              calls.push([message.text, match])
              return `you are ${message.from.host}`
            },
          ],
        ],
      }),
    ])
    ;(await t.peer().send('who')).expectReply('you are 127.0.0.1')
    expect(calls).toEqual([['who', undefined]])
  })

  it('autoReply() sends the reply string as it is when a string rule matched ($1 stays)', async () => {
    const t = await kit([autoReply({ rules: [['price', 'costs $1 or $&']] })])
    ;(await t.peer().send('price')).expectReply('costs $1 or $&')
  })

  it('autoReply() answers nothing when no rule matches, and such messages do not use up the reply budget', async () => {
    vi.useFakeTimers()
    const t = await kit([autoReply({ rules: [['hi', 'hello']], maxReplies: 1, window: 60_000 })])
    const peer = t.peer()
    for (let i = 0; i < 3; i++) {
      const delivery = await peer.send('something else')
      delivery.expectNothingSent()
      expect(delivery.logs).toEqual([])
    }
    ;(await peer.send('hi')).expectReply('hello')
    ;(await peer.send('hi')).expectNoReply()
  })
})

describe('autoReply() options', () => {
  it.each([
    [{ rules: 'ping' }, /plugins\[0\]\.rules: expected an array of \[match, reply\] rules, got `"ping"`/],
    [{ rules: ['ping'] }, /plugins\[0\]\.rules\[0\]: expected a rule: \[match, reply\], got `"ping"`/],
    [{ rules: [[42, 'x']] }, /plugins\[0\]\.rules\[0\]\[0\]: expected a string or RegExp to match, got `42`/],
    [{ rules: [['x', 42]] }, /plugins\[0\]\.rules\[0\]\[1\]: expected a reply: a string or a function of the message/],
  ])('autoReply(%j) is refused, naming the rule and what it wants', async (options, message) => {
    await expect(kit([autoReply(options as never)])).rejects.toThrow(message)
  })

  it('autoReply() answers again when the same plugin is set up anew (a reload): its budget starts over', async () => {
    vi.useFakeTimers()
    const plugin = autoReply({ rules: [['hi', 'hello']], maxReplies: 1, window: 600_000 })
    const t = await kit([plugin])
    const peer = t.peer()
    ;(await peer.send('hi')).expectReply('hello')
    ;(await peer.send('hi')).expectNoReply()
    await t.reload([autoReply({ rules: [] }), plugin])
    await t.reload([plugin])
    ;(await peer.send('hi')).expectReply('hello')
  })
})

describe('autoReply() closing', () => {
  it('closes without an error when it never answered (its reply budget not made yet)', async () => {
    const t = await kit([autoReply({ rules: [['ping', 'pong']] })])
    await t.close()
    expect(t.events.filter((e) => e.type === 'error')).toEqual([])
    expect(t.logs.filter((l) => l.level === 'error' || l.level === 'warn')).toEqual([])
  })
})
