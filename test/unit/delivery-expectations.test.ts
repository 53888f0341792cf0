import { describe, expect, it } from 'vitest'
import type { ChatEvent, Message } from '../../core/index.ts'
import { Expectations } from '../../core/delivery.ts'
import { describeEvent } from '../../core/events.ts'

// The test kit's verdicts on a set of events, built by hand: what each expectation accepts,
// what it refuses, and the account of what did happen that a failure prints.
const alice = { host: '127.0.0.1', port: 4000, family: 'IPv4' as const }
const bob = { host: '::1', port: 5000, family: 'IPv6' as const }
const message = (text: string): Message => ({
  text,
  from: alice,
  to: undefined,
  at: 0,
  bytes: new Uint8Array(),
  encoding: 'utf-8',
  meta: {},
})
const events: ChatEvent[] = [
  { type: 'message', message: message('first') },
  { type: 'drop', plugin: 'gate', reason: 'no', direction: 'outbound', peer: bob, text: 'x' },
  { type: 'error', error: new Error('boom\nstack'), plugin: 'p', hook: 'inbound', peer: alice },
  { type: 'sent', to: alice, text: 'hi', bytes: 2, plugin: 'echo' },
  { type: 'sent', to: bob, peer: 'bob', text: 'yo', bytes: 2 },
  { type: 'drop', plugin: 'later', reason: 'second', direction: 'inbound', peer: alice, text: 'y' },
  { type: 'message', message: message('last') },
]

describe('Expectations', () => {
  it('picks out the last message, the first drop, the errors and what was sent, to whom', () => {
    const d = new Expectations('alice', events, [], ['hi'])
    expect(d.message?.text).toBe('last')
    expect(d.drop).toMatchObject({ plugin: 'gate', reason: 'no' })
    expect(d.errors.map((e) => e.plugin)).toEqual(['p'])
    expect(d.sent).toEqual([
      { to: '127.0.0.1:4000', text: 'hi', plugin: 'echo' },
      { to: 'bob ([::1]:5000)', text: 'yo', plugin: undefined },
    ])
    expect(d.traces).toEqual([])
  })

  it('explains a failure with the replies, the delivery, the drop, each error and each send', () => {
    const d = new Expectations('alice', events, [], ['hi', 'again'])
    expect(() => d.expectNoReply()).toThrow(
      [
        'expected no reply to alice; got',
        '  replies: "hi", "again"',
        '  delivered: "last"',
        '  dropped by gate: no',
        `  error: ${describeEvent(events[2] as Extract<ChatEvent, { type: 'error' }>)}`,
        '  sent to 127.0.0.1:4000: "hi"',
        '  sent to bob ([::1]:5000): "yo"',
      ].join('\n'),
    )
    const quiet = new Expectations('alice', [], [], [])
    expect(() => quiet.expectDelivered()).toThrow(
      'expected the message to be delivered; got\n  replies: none\n  delivered: no',
    )
  })

  it('expectReply(): exactly one reply, or count of them, each equal to a string or matching a RegExp', () => {
    const one = new Expectations('alice', [], [], ['hello'])
    expect(one.expectReply()).toBe('hello')
    expect(one.expectReply('hello')).toBe('hello')
    expect(one.expectReply(/^hel/)).toBe('hello')
    expect(() => one.expectReply('hell')).toThrow('expected alice to get one reply "hell"; got')
    expect(() => one.expectReply(/^x/)).toThrow('expected alice to get one reply /^x/; got')
    expect(() => one.expectReply(undefined, { count: 2 })).toThrow('expected alice to get 2 replies; got')
    const none = new Expectations('alice', [], [], [])
    expect(() => none.expectReply()).toThrow('expected alice to get one reply; got')
    none.expectNoReply()
    none.expectNothingSent()
    expect(none.expectReplies([])).toEqual([])
    expect(() => new Expectations('alice', [], [], ['x']).expectReplies([])).toThrow(
      'expected alice to get the replies (none); got',
    )
  })

  it('expectReplies(): these, in this order, no more and no fewer; a copy, not the live list', () => {
    const replies = ['a', 'b']
    const d = new Expectations('alice', [], [], replies)
    const got = d.expectReplies(['a', /b/])
    expect(got).toEqual(['a', 'b'])
    expect(got).not.toBe(replies)
    expect(() => d.expectReplies(['a'])).toThrow('expected alice to get the replies "a"; got')
    expect(() => d.expectReplies(['a', 'b', 'c'])).toThrow()
  })

  it('expectNothingSent() fails on a send to someone else, and on a reply alone', () => {
    expect(() => new Expectations('alice', events.slice(3, 4), [], []).expectNothingSent()).toThrow(
      'expected the chat to send nothing',
    )
    expect(() => new Expectations('alice', [], [], ['x']).expectNothingSent()).toThrow(
      'expected the chat to send nothing',
    )
  })

  it('expectDrop() and expectDelivered(): with or without a reason or text, string or RegExp', () => {
    const d = new Expectations('alice', events, [], [])
    expect(d.expectDrop().plugin).toBe('gate')
    expect(d.expectDrop('no').plugin).toBe('gate')
    expect(d.expectDrop(/^n/).plugin).toBe('gate')
    expect(() => d.expectDrop('second')).toThrow('expected the message to be dropped with reason "second"; got')
    expect(() => d.expectDrop(/x/)).toThrow('expected the message to be dropped with reason /x/; got')
    expect(d.expectDelivered().text).toBe('last')
    expect(d.expectDelivered('last').text).toBe('last')
    expect(d.expectDelivered(/as/).text).toBe('last')
    expect(() => d.expectDelivered('first')).toThrow('expected the message to be delivered as "first"; got')
    expect(() => new Expectations('a', [], [], []).expectDrop()).toThrow('expected the message to be dropped; got')
  })
})

describe('describeEvent()', () => {
  it('names the plugin, the hook and the peer when known, then the first line of the error', () => {
    const error = new Error('boom\nat stack')
    expect(describeEvent({ type: 'error', error, plugin: 'p', hook: 'inbound', peer: bob })).toBe(
      'plugin "p" (inbound, [::1]:5000): boom',
    )
    expect(describeEvent({ type: 'error', error, plugin: 'p', hook: 'setup' })).toBe('plugin "p" (setup): boom')
    expect(describeEvent({ type: 'error', error, plugin: 'p' })).toBe('plugin "p": boom')
    expect(describeEvent({ type: 'error', error, peer: bob })).toBe('boom')
  })
})
