import { describe, expect, it } from 'vitest'
import { definePlugin } from '../../core/index.ts'
import { createMemoryNetwork, createTestChat } from '../../core/testing.ts'
import { kit } from '../helpers/kit.ts'

// More of the test kit's own behaviour: what it logs and how, what each delivery holds, closing,
// two chats settling together, and the name it gives a bad config.
describe('createTestChat(): logs', () => {
  it('writes each logged value as text: strings as they are, errors by message, the rest as JSON', async () => {
    const t = await kit([
      definePlugin({
        name: 'talk',
        inbound: (_m, ctx) => {
          ctx.logger.info('two', 'words')
          ctx.logger.warn({ n: 1 }, new Error('boom'), undefined)
        },
      }),
    ])
    const delivery = await t.peer().send('x')
    expect(delivery.logs.map((l) => [l.level, l.tag, l.text])).toEqual([
      ['info', 'talk', 'two words'],
      ['warn', 'talk', '{"n":1} boom undefined'],
    ])
  })

  it('gives each delivery only the logs made while it ran', async () => {
    const t = await kit([definePlugin({ name: 'talk', inbound: (m, ctx) => ctx.logger.info(m.text) })])
    const peer = t.peer()
    await peer.send('first')
    const second = await peer.send('second')
    expect(second.logs.map((l) => l.text)).toEqual(['second'])
    expect(t.logs.map((l) => l.text)).toEqual(['first', 'second'])
  })
})

describe('createTestChat(): expectations', () => {
  it('calls the chat "the chat" in a failed expectation of its own send', async () => {
    const t = await kit([])
    t.peer('bob', { contact: true })
    const delivery = await t.send('hello', 'bob')
    expect(() => delivery.expectReply('x')).toThrow(/^expected the chat to get/)
  })

  it('names a bad config "test config"', async () => {
    await expect(createTestChat({ config: { port: -1 } })).rejects.toThrow(/^test config: port: /)
    const t = await kit([])
    // A bad config rejects reload()'s promise (it does not throw before there is one).
    const reloading = t.reload([{ name: '' }])
    expect(reloading).toBeInstanceOf(Promise)
    await expect(reloading).rejects.toThrow(/^test config: plugins\[0\]\.name: /)
  })
})

describe('createTestChat(): several chats and closing', () => {
  it('settles every chat on its network: a reply from a second chat is in before the send resolves', async () => {
    const network = createMemoryNetwork()
    // The server answers after a timer of its own: only waiting for that chat to be idle sees it.
    const later = definePlugin({
      name: 'later',
      inbound: async (m, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        ctx.reply(m, `re: ${m.text}`)
      },
    })
    const server = await kit({ network, plugins: [later] })
    const client = await kit({ network, config: { peers: { server: `127.0.0.1:${server.address.port}` } } })
    await client.send('ping', 'server')
    expect(client.messages.map((m) => m.text)).toEqual(['re: ping'])
  })

  it('closes its peers with it: their ports are free again', async () => {
    const t = await createTestChat([])
    const a = t.peer('a')
    const b = t.peer('b')
    await t.close()
    for (const peer of [a, b]) {
      const again = t.network.bindNow({ host: '127.0.0.1', port: peer.address.port, onDatagram() {}, onError() {} })
      expect(again.local.port).toBe(peer.address.port)
    }
    const c = t.network.bindNow({ host: '127.0.0.1', port: t.address.port, onDatagram() {}, onError() {} })
    expect(c.local.port).toBe(t.address.port)
  })
})
