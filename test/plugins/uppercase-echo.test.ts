import { describe, expect, it } from 'vitest'
import { uppercaseEcho } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

describe('uppercaseEcho()', () => {
  it('answers each message with its text in upper case', async () => {
    const t = await kit([uppercaseEcho()])
    const alice = t.peer('alice')
    ;(await alice.send('hello, world')).expectReply('HELLO, WORLD')
    ;(await alice.send('ünïcödé')).expectReply('ÜNÏCÖDÉ')
    expect(alice.inbox).toHaveLength(2)
  })

  it('answers only the sender', async () => {
    const t = await kit([uppercaseEcho()])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    await alice.send('hi')
    expect(bob.inbox).toEqual([])
  })
})
