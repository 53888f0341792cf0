import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll } from '../helpers/chat-process.ts'
import { twoPeersTalkBothWays } from '../helpers/scenarios.ts'

// Each test names the runtimes it starts, so this file runs once (in the node project).
const local = ['--host', '127.0.0.1', '--port', '0', '--json']
afterEach(stopAll)

describe('chat across runtimes', () => {
  it.each([
    ['node', 'deno'],
    ['bun', 'node'],
  ] as const)('chat on %s and chat on %s talk both ways', async (first, second) => {
    await twoPeersTalkBothWays(first, second)
  })

  it('chat send --encoding gbk on bun is read by chat listen --encoding gbk on deno, byte for byte', async () => {
    const listener = startChat(['listen', '--once', '--encoding', 'gbk', ...local], { runtime: 'deno' })
    const port = await listener.port()
    const sender = startChat(['send', `127.0.0.1:${port}`, '你好，世界', '--encoding', 'gbk', ...local], {
      runtime: 'bun',
    })
    expect(await listener.event('message')).toMatchObject({
      text: '你好，世界',
      encoding: 'gbk',
      bytes: 10,
      malformed: false,
    })
    expect((await sender.exited).code).toBe(0)
    expect((await listener.exited).code).toBe(0)
  })

  it.each([
    ['deno', 'node', 'bun'],
    ['bun', 'node', 'deno'],
  ] as const)(
    'relay() served on %s broadcasts between members on %s and %s (chat join)',
    async (relayOn, firstOn, secondOn) => {
      const relay = startChat(['serve', '--config', `${root}test/fixtures/relay/chat.config.ts`, '--json'], {
        runtime: relayOn,
      })
      const port = String(await relay.port())
      const join = (runtime: 'node' | 'deno' | 'bun') =>
        startChat(['join', `127.0.0.1:${port}`, ...local, '--linger', '0'], { runtime })
      const alice = join(firstOn)
      await alice.event('joined')
      const bob = join(secondOn)
      await bob.event('joined')
      const bobPort = (await bob.event('listening')).port
      // Bob is a member once the relay has taken his first heartbeat.
      await relay.waitFor(
        (line) =>
          line.startsWith('{') && JSON.parse(line).event === 'drop' && JSON.parse(line).peer === `127.0.0.1:${bobPort}`,
      )

      const said = (text: string) => (line: string) =>
        line.startsWith('{') && JSON.parse(line).event === 'message' && JSON.parse(line).text.endsWith(text)
      alice.write('hi from alice')
      await bob.waitFor(said('hi from alice'))
      bob.write('hi from bob')
      await alice.waitFor(said('hi from bob'))

      alice.end()
      bob.end()
      expect((await alice.exited).code).toBe(0)
      expect((await bob.exited).code).toBe(0)
      relay.kill('SIGINT')
      expect((await relay.exited).code).toBe(0)
    },
  )
})
