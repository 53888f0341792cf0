import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll } from '../helpers/chat-process.ts'
import { pythonReceiver } from '../helpers/python.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const local = ['--host', '127.0.0.1', '--port', '0']
const sockets: PlainSocket[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

describe('chat: slash commands for bots', () => {
  it('sends `/roll 2d6` to a slash-command bot as text and shows its answer; says so once', async () => {
    const bot = startChat([
      'serve',
      '--config',
      join(root, 'test/fixtures/roll-bot/chat.config.ts'),
      ...local,
      '--json',
    ])
    const port = await bot.port()
    const me = startChat([...local, '--json', '--to', String(port)])
    await me.port()
    me.write('/roll 2d6')
    expect(await me.event('message')).toMatchObject({ text: 'rolled 2d6: 7', from: `127.0.0.1:${port}` })
    me.write('/roll 1d4')
    expect(await me.event('message')).toMatchObject({ text: 'rolled 1d4: 7' })
    me.end()
    const exit = await me.exited
    expect(exit.code).toBe(0)
    expect(exit.stderr.match(/is not a chat command, so it was sent as text/g)).toEqual([
      'is not a chat command, so it was sent as text',
    ])
  })

  it('keeps a likely typo of its own command (/qiut) off the wire, and `//qiut now` sends it', async () => {
    const peer = await plainSocket()
    sockets.push(peer)
    const me = startChat([...local, '--to', String(peer.port)])
    await me.waitFor(/^listening on/, { stream: 'stderr' })
    me.write('/qiut')
    await me.waitFor(/did you mean \/quit\?/, { stream: 'stderr' })
    me.write('//qiut now')
    me.write('/quit')
    expect((await me.exited).code).toBe(0)
    // Had `/qiut` gone out, it would be the first datagram.
    expect((await peer.next()).data.toString()).toBe('/qiut now')
  })
})

describe('chat --eol', () => {
  it('ends each typed line with \\r\\n on the wire with crlf (read by a Python socket)', async () => {
    const receiver = pythonReceiver(2)
    const me = startChat([...local, '--eol', 'crlf', '--to', String(await receiver.port)])
    me.write('AT')
    me.write('/roll 1d6')
    me.end()
    expect((await me.exited).code).toBe(0)
    expect(await receiver.datagrams).toEqual([
      Buffer.from('AT\r\n').toString('hex'),
      Buffer.from('/roll 1d6\r\n').toString('hex'),
    ])
  })
})

describe('chat /stats and /hex', () => {
  it('/stats counts datagrams and bytes each way; /hex switches to hex dumps', async () => {
    const peer = await plainSocket()
    sockets.push(peer)
    const me = startChat([...local, '--to', String(peer.port)])
    const port = Number((await me.waitFor(/^listening on/, { stream: 'stderr' })).match(/:(\d+)/)![1])
    await peer.send('ping', port)
    await me.waitFor(/: ping$/)
    me.write('hello')
    expect((await peer.next()).data.toString()).toBe('hello')
    me.write('/stats')
    await me.waitFor(/^  received 1 datagram \(4 bytes\), sent 1 \(5 bytes\), 0 dropped, 0 errors, in \d+ s$/)
    me.write('/hex')
    await me.waitFor(/showing datagrams as hex dumps/, { stream: 'stderr' })
    await peer.send('OK', port)
    await me.waitFor(/^  0000  4f 4b {42}  OK$/)
    me.write('/quit')
    expect((await me.exited).code).toBe(0)
  })
})
