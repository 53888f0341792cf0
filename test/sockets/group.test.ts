import dgram from 'node:dgram'
import { describe, expect, it } from 'vitest'
import { createChat, resolveConfig, type ChatEvent, type Message } from '../../core/index.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { freshGroup } from '../helpers/udp.ts'

// createChat() with `group`: a multicast room on real sockets, kept on this machine (interface
// 127.0.0.1, TTL 1). Two members: what one says reaches the other, and a member does not hear
// its own datagrams back through the loopback.

/** A socket bound to `host:port` without SO_REUSEADDR: it fails while a member holds the port. */
function bindPlain(host: string, port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4')
  return new Promise((resolve, reject) => {
    socket.once('error', (error) => (socket.close(), reject(error)))
    socket.bind(port, host, () => resolve(socket))
  })
}

async function member(group: string) {
  const messages: Message[] = []
  const waiters: Array<() => void> = []
  const events: ChatEvent[] = []
  const chat = closeAfterTest(
    await createChat({
      config: resolveConfig({
        host: '127.0.0.1',
        port: 0,
        group: { address: group, interface: '127.0.0.1', ttl: 1 },
      }),
      onEvent(event) {
        events.push(event)
        if (event.type !== 'message') return
        messages.push(event.message)
        for (const wake of waiters.splice(0)) wake()
      },
    }),
  )
  const next = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (messages.length >= count ? resolve() : waiters.push(check))
      check()
    })
  return { chat, messages, events, next }
}

describe('createChat() in a multicast room', () => {
  it('sends to the group from a port of its own; the other member hears it, the sender does not', async () => {
    const group = await freshGroup()
    const groupPort = Number(group.split(':')[1])
    const a = await member(group)
    const b = await member(group)
    expect(a.chat.local.host).toBe('127.0.0.1')
    expect(a.chat.local.port).not.toBe(groupPort)
    expect(a.events[0]).toEqual({ type: 'listening', address: a.chat.local })

    await a.chat.send('hello room', group)
    await b.next(1)
    expect(b.messages[0]).toMatchObject({ text: 'hello room', from: a.chat.local })

    // b answers the room: a hears b, and had not heard its own line (it came back first, if at all).
    await b.chat.send('hello a', group)
    await a.next(1)
    expect(a.messages.map((m) => [m.text, m.from.port])).toEqual([['hello a', b.chat.local.port]])
    expect(b.messages.map((m) => m.text)).toEqual(['hello room'])
  })

  it('closes both of its sockets: the group port is taken while the chat runs, free after', async () => {
    const group = await freshGroup()
    const [host, port] = [group.split(':')[0]!, Number(group.split(':')[1])]
    const a = await member(group)
    await expect(bindPlain(host, port)).rejects.toMatchObject({ code: 'EADDRINUSE' })
    await a.chat.close()
    const plain = await bindPlain(host, port)
    plain.close()
  })
})
