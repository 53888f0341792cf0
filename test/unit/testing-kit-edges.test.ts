import { describe, expect, it } from 'vitest'
import { definePlugin } from '../../core/index.ts'
import { createTestChat } from '../../core/testing.ts'
import { kit } from '../helpers/kit.ts'

// The test kit's own edges: peers that decode another encoding or are contacts, sends by contact
// name, a send to a closed chat.
describe('createTestChat() edges', () => {
  it('gives a peer its own encoding, and makes it a contact of the chat by its name', async () => {
    const t = await kit([definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, m.meta.peer as string) })])
    const bob = t.peer('bob', { contact: true, encoding: 'utf-16le' })
    expect(t.chat.peers.get('bob')).toEqual(bob.address)
    const delivery = await bob.send(new Uint8Array([0x68, 0x69]))
    expect(Array.from(bob.datagrams[0]!)).toEqual([0x62, 0x6f, 0x62])
    expect(delivery.replies).toEqual([new TextDecoder('utf-16le').decode(new TextEncoder().encode('bob'))])
    expect(t.peer().name).toBe('peer2')
  })

  it("names a contact in a message's meta; a stranger's message has no peer key at all", async () => {
    const t = await kit([])
    const bob = t.peer('bob', { contact: true })
    expect((await bob.send('hi')).expectDelivered('hi').meta).toStrictEqual({ peer: 'bob' })
    expect((await t.peer().send('hi')).expectDelivered('hi').meta).toStrictEqual({})
  })

  it('sends by contact name, and take() empties the inbox', async () => {
    const t = await kit([])
    const bob = t.peer('bob', { contact: true })
    const delivery = await t.send('hello', 'bob')
    expect(delivery.replies).toEqual([])
    expect(delivery.sent).toEqual([{ to: `bob (127.0.0.1:${bob.address.port})`, text: 'hello', plugin: undefined }])
    expect(bob.take()).toEqual(['hello'])
    expect(bob.inbox).toEqual([])
  })

  it('refuses a peer send to a chat that has closed', async () => {
    const t = await createTestChat([])
    const alice = t.peer('alice')
    await t.close()
    await expect(alice.send('x')).rejects.toThrow(`nothing is bound at 127.0.0.1:${t.address.port}: the chat is closed`)
  })
})
