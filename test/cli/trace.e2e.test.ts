import { afterEach, describe, expect, it } from 'vitest'
import { runChat, startChat, stopAll } from '../helpers/chat-process.ts'
import { plainSocket } from '../helpers/udp.ts'

describe('chat --trace and chat plugins', () => {
  afterEach(stopAll)

  it('chat listen --trace --json prints a trace event per message', async () => {
    const listener = startChat([
      'listen',
      '--once',
      '--trace',
      '--json',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--config',
      'examples/bot.config.ts',
    ])
    const port = await listener.port()
    const alice = await plainSocket()
    await alice.send('ping', port)
    expect((await alice.next()).data.toString()).toBe('pong')
    const inbound = await listener.event('trace')
    expect(inbound).toMatchObject({
      direction: 'inbound',
      text: 'ping',
      outcome: 'delivered',
      peer: `127.0.0.1:${alice.port}`,
    })
    expect(inbound.steps.map((s: { plugin: string; did: string }) => `${s.plugin} ${s.did}`)).toEqual([
      'codec decoded',
      'autoReply replied',
    ])
    expect(await listener.event('trace')).toMatchObject({ direction: 'outbound', text: 'pong', outcome: 'sent' })
    await alice.close()
    expect((await listener.exited).code).toBe(0)
  })

  it('chat --trace prints each hook on stderr, aligned', async () => {
    const listener = startChat([
      'listen',
      '--once',
      '--trace',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--config',
      'examples/bot.config.ts',
    ])
    const line = await listener.waitFor(/^listening on /, { stream: 'stderr' })
    const port = Number(/:(\d+) /.exec(line)![1])
    const alice = await plainSocket()
    await alice.send('hello', port)
    await listener.waitFor(/^trace <- 127\.0\.0\.1:\d+ "hello": delivered$/, { stream: 'stderr' })
    expect(await listener.waitFor(/^ {2}autoReply/, { stream: 'stderr' })).toMatch(
      /^ {2}autoReply {2}inbound {2}replied +\d+\.\d{3} ms$/,
    )
    await alice.close()
    expect((await listener.exited).code).toBe(0)
  })

  it('chat plugins lists the plugins in the order they run, with hooks and options', async () => {
    const exit = await runChat(['plugins', '--config', 'examples/bot.config.ts'])
    expect(exit.code).toBe(0)
    const lines = exit.stdout.split('\n')
    expect(lines[0]).toBe('2 plugins (examples/bot.config.ts), in the order they run:')
    expect(lines[1]).toBe("  1. codec (pre)  decode, encode  'utf-8'")
    expect(lines[2]).toMatch(/^ {2}2\. autoReply {4}inbound, dispose {2}\{ rules: \[ \[ 'ping', 'pong' \]/)
  })

  it('chat plugins --json gives one object per plugin', async () => {
    const exit = await runChat(['plugins', '--json', '--config', 'examples/bot.config.ts'])
    const [codec, bot] = exit.stdout.split('\n').map((l) => JSON.parse(l))
    expect(codec).toEqual({
      event: 'plugin',
      name: 'codec',
      enforce: 'pre',
      hooks: ['decode', 'encode'],
      off: [],
      options: 'utf-8',
    })
    expect(bot.options.rules[1]).toEqual(['/^(hi|hello)\\b/i', 'hello there!'])
  })
})
