import { describe, expect, it } from 'vitest'
import { createChat, resolveConfig } from '../../core/index.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'

// chat.isOwn(): the addresses whose datagrams the chat never handles (its own socket), as the
// CLI asks it before it warns that a target is the chat itself.
describe('chat.isOwn() on real sockets', () => {
  it('bound to 127.0.0.1: its own port there, and on loopback; not another port', async () => {
    const chat = closeAfterTest(await createChat({ config: resolveConfig({ host: '127.0.0.1', port: 0 }) }))
    const { port } = chat.local
    expect(chat.isOwn({ host: '127.0.0.1', port })).toBe(true)
    expect(chat.isOwn({ host: '127.0.0.2', port })).toBe(true)
    expect(chat.isOwn({ host: '127.0.0.1', port: port === 65535 ? 1 : port + 1 })).toBe(false)
  })

  it('bound to 0.0.0.0: its port on every address of this machine', async () => {
    const chat = closeAfterTest(await createChat({ config: resolveConfig({ host: '0.0.0.0', port: 0 }) }))
    const { port } = chat.local
    expect(chat.isOwn({ host: '127.0.0.1', port })).toBe(true)
    expect(chat.isOwn({ host: '192.0.2.1', port })).toBe(false)
  })
})
