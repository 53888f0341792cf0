import iconv from 'iconv-lite'
import { describe, expect, it, vi } from 'vitest'
import { keywordBot } from '../../docs/examples/keyword-bot.ts'
import { rateLimit } from '../../docs/examples/rate-limit.ts'
import { translator } from '../../docs/examples/translator.ts'
import { codec, relay, uppercaseEcho } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

// The three worked examples of docs/plugins.md, tested the way the guide says.
describe('docs/plugins.md examples', () => {
  it('keywordBot() answers a keyword and keeps its count across a reload', async () => {
    const t = await kit([keywordBot({ answers: { price: '10 EUR', hours: '9-17' }, count: true })])
    const alice = t.peer()
    ;(await alice.send('What is the PRICE?')).expectReply('10 EUR (1 answered)')
    ;(await alice.send('hello')).expectNoReply()
    await t.reload([keywordBot({ answers: { price: '12 EUR' }, count: true })])
    ;(await alice.send('price, please')).expectReply('12 EUR (2 answered)')
  })

  it('keywordBot() rejects an answer that is not a string, naming the option', async () => {
    await expect(kit([keywordBot({ answers: { price: 10 as never } })])).rejects.toThrow(
      /plugins\[0\]\.answers\.price: expected an answer \(string\), got `10` \(number\)/,
    )
  })

  it('translator() lets a gbk peer and a utf-8 peer read each other in a relay room', async () => {
    const t = await kit({ plugins: [] })
    const [gbk, utf8] = [t.peer('gbk', { encoding: 'gbk' }), t.peer('utf8')]
    await t.reload([
      translator({ [`127.0.0.1:${gbk.address.port}`]: 'gbk' }),
      codec('utf-8'),
      relay({ format: '{text}' }),
    ])
    await utf8.send('^hb^')
    await gbk.send(iconv.encode('你好', 'gbk'))
    expect([gbk.take(), utf8.take()]).toEqual([['你好'], ['你好']])
    await utf8.send('再见')
    expect(Buffer.from(gbk.datagrams.at(-1)!)).toEqual(iconv.encode('再见', 'gbk'))
  })

  it('rateLimit() drops past max per window, per sender, and lets them in again after it', async () => {
    vi.useFakeTimers()
    const t = await kit([rateLimit({ max: 2, window: 1000 }), uppercaseEcho()])
    const [spammer, friend] = [t.peer('spammer'), t.peer('friend')]
    ;(await spammer.send('a')).expectReply('A')
    ;(await spammer.send('b')).expectReply('B')
    const third = await spammer.send('c')
    expect(third.expectDrop().reason).toBe('rate limit: more than 2 in 1000 ms')
    third.expectNoReply()
    ;(await friend.send('hi')).expectReply('HI')
    vi.advanceTimersByTime(1000)
    ;(await spammer.send('d')).expectReply('D')
  })
})
