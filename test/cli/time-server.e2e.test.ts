import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll } from '../helpers/chat-process.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const sockets: PlainSocket[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

describe('timeServer()', () => {
  async function ask(port: number, pattern: string): Promise<string> {
    const client = await plainSocket()
    sockets.push(client)
    await client.send(pattern, port)
    return (await client.next(10_000)).data.toString('utf8')
  }

  it('timeServer() answers each datagram with the time in its pattern, %Y-%m-%d %X when empty', async () => {
    const server = startChat(['serve', '--config', `${root}test/fixtures/time-fixed/chat.config.ts`, '--json'], {
      env: { TZ: 'Asia/Shanghai' },
    })
    const port = await server.port()
    expect(await ask(port, '%Y')).toBe('2026')
    expect(await ask(port, '%H:%M')).toBe('00:07')
    expect(await ask(port, '')).toBe('2026-01-05 00:07:09')
    expect(await ask(port, '%c|%z %Z|%f|%Q')).toBe('Mon Jan  5 00:07:09 2026|+0800 CST|123000|%Q')
    // netcat sends the line ending: it comes back, after the time.
    expect(await ask(port, '\n')).toBe('2026-01-05 00:07:09\n')
    expect(await ask(port, '%d/%m\n')).toBe('05/01\n')
  })

  it('timeServer() in examples/time.config.ts tells the current time', async () => {
    const server = startChat(['serve', '--config', 'examples/time.config.ts', '--port', '0', '--json'])
    const port = await server.port()
    const year = new Date().getFullYear()
    expect([String(year), String(year + 1)]).toContain(await ask(port, '%Y'))
    expect(await ask(port, '')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
  })
})
