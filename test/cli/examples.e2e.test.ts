import { afterEach, describe, expect, it } from 'vitest'
import { startChat, stopAll } from '../helpers/chat-process.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const sockets: PlainSocket[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

/** Serves an example on a free port and returns a plain socket that asks it things. */
async function serve(example: string) {
  const server = startChat(['serve', '--config', `examples/${example}`, '--port', '0', '--json'])
  const port = await server.port()
  const client = await plainSocket()
  sockets.push(client)
  return {
    server,
    async ask(text: string) {
      await client.send(text, port)
      return (await client.next()).data.toString()
    },
  }
}

describe('examples/echo.config.ts', () => {
  it('answers in upper case', async () => {
    const { ask } = await serve('echo.config.ts')
    expect(await ask('hello, echo')).toBe('HELLO, ECHO')
  })
})

describe('examples/bot.config.ts', () => {
  it('answers by its rules, with strings, $1 and functions', async () => {
    const { ask } = await serve('bot.config.ts')
    expect(await ask('ping')).toBe('pong')
    expect(await ask('my name is Ada')).toBe('nice to meet you, Ada')
    expect(await ask('add 2 40')).toBe('42')
  })
})

describe('examples/proven-room.config.ts', () => {
  it('answers a stranger with a cookie, not with the room', async () => {
    const { ask } = await serve('proven-room.config.ts')
    expect(await ask('^hb^')).toMatch(/^\^cookie\^ [\w-]{22}$/)
  })
})
