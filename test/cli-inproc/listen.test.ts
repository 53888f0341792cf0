import { networkInterfaces } from 'node:os'
import { describe, expect, it } from 'vitest'
import { hexDump } from '../../core/index.ts'
import { local, startInProc, usePeers } from '../helpers/inproc.ts'

const peer = usePeers()
const TIME = /^\d\d:\d\d:\d\d$/

describe('chat listen, in process', () => {
  it('--json: the listening event names host, port, family, runtime and plugins; each message its fields', async () => {
    const chat = startInProc(['listen', ...local, '--json', '--count', '2'])
    const listening = await chat.event('listening')
    expect(listening).toEqual({
      event: 'listening',
      host: '127.0.0.1',
      port: expect.any(Number),
      family: 'IPv4',
      runtime: 'node',
      plugins: [],
    })
    expect(listening.port).toBeGreaterThan(0)
    const device = await peer()
    const before = Date.now()
    await device.send('hi\n', listening.port)
    const message = await chat.event('message')
    expect(message).toEqual({
      event: 'message',
      from: `127.0.0.1:${device.port}`,
      peer: null,
      text: 'hi\n',
      bytes: 3,
      hex: '68690a',
      encoding: 'utf-8',
      malformed: false,
      at: expect.any(String),
    })
    expect(Date.parse(message.at)).toBeGreaterThanOrEqual(before - 1000)
    expect(Date.parse(message.at)).toBeLessThanOrEqual(Date.now() + 1000)
    // Still running after the first of two: --count 2 does not stop at 1.
    await device.send(Buffer.from([0xff, 0x41]), listening.port)
    const second = await chat.event('message')
    expect(second).toMatchObject({ bytes: 2, hex: 'ff41', malformed: true, text: '\ufffdA' })
    const exit = await chat.exited
    expect(exit.code).toBe(0)
    expect(exit.stderr).toBe('')
    expect(exit.stdout.trim().split('\n')).toHaveLength(3)
  })

  it('prints `TIME HOST:PORT: text` per message, the line end left off, and says where it listens on stderr', async () => {
    const chat = startInProc(['listen', ...local, '--once'])
    const said = await chat.waitFor(/^listening on /, { stream: 'stderr' })
    const port = Number(/^listening on 127\.0\.0\.1:(\d+)$/.exec(said)![1])
    const device = await peer()
    await device.send('hello there\r\n', port)
    const exit = await chat.exited
    expect(exit.code).toBe(0)
    const [time, rest] = [exit.stdout.slice(0, 8), exit.stdout.slice(8)]
    expect(time).toMatch(TIME)
    expect(rest).toBe(` 127.0.0.1:${device.port}: hello there\n`)
    expect(exit.stderr).toBe(`listening on 127.0.0.1:${port}\n`)
  })

  it('shows bytes that are not text as a hex dump under a warning, and --hex every datagram so', async () => {
    const started = async (args: string[]) => {
      const chat = startInProc(['listen', ...local, ...args])
      const said = await chat.waitFor(/^listening on /, { stream: 'stderr' })
      return { chat, port: Number(said.split(':').at(-1)) }
    }
    const device = await peer()
    const text = await started(['--count', '2'])
    await device.send(Buffer.from([0xc3, 0x28, 0x41]), text.port)
    await text.chat.waitFor(/bytes/)
    await device.send('ok', text.port)
    const plain = await text.chat.exited
    expect(plain.stdout.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''))).toEqual([
      `127.0.0.1:${device.port}: \ufffd(A [utf-8: some bytes did not decode; 3 bytes:]`,
      `  ${hexDump(Buffer.from([0xc3, 0x28, 0x41]))[0]}`,
      `127.0.0.1:${device.port}: ok`,
      '',
    ])
    const hex = await started(['--hex', '--once'])
    await device.send('hi', hex.port)
    const dumped = await hex.chat.exited
    expect(dumped.stdout.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''))).toEqual([
      `127.0.0.1:${device.port}: 2 bytes`,
      `  ${hexDump(Buffer.from('hi'))[0]}`,
      '',
    ])
  })

  it('stops on SIGINT or SIGTERM with 0', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const chat = startInProc(['listen', ...local, '--json'])
      await chat.port()
      chat.kill(signal)
      expect((await chat.exited).code).toBe(0)
    }
  })
})

describe('where it says it listens', () => {
  it('on every interface (0.0.0.0): names the LAN addresses to give a friend', async () => {
    const lan = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((i) => !i.internal && i.family === 'IPv4')
      .map((i) => i.address)
    const chat = startInProc(['listen', '--port', '0'])
    const said = await chat.waitFor(/^listening on /, { stream: 'stderr' })
    expect(said).toMatch(/^listening on 0\.0\.0\.0:\d+/)
    expect(said.replace(/^listening on 0\.0\.0\.0:\d+/, '')).toBe(lan.length ? ` (LAN: ${lan.join(', ')})` : '')
    chat.kill('SIGTERM')
    expect((await chat.exited).code).toBe(0)
  })
})
