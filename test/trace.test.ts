import { afterEach, describe, expect, it } from 'vitest'
import { definePlugin, drop, type Plugin } from '../core/index.ts'
import { createTestChat, type TestChat } from '../core/testing.ts'
import { codec } from '../plugins/index.ts'
import { runChat, startChat, stopAll } from './helpers/chat-process.ts'
import { plainSocket } from './helpers/udp.ts'

const open: TestChat[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()))
})

async function traced(plugins: Plugin<any>[]) {
  const t = await createTestChat({ plugins, trace: true })
  open.push(t)
  return t
}

const steps = (trace: { steps: Array<{ plugin: string; hook: string; did: string; detail?: string; ms: number }> }) =>
  trace.steps.map(({ plugin, hook, did, detail }) => [plugin, hook, did, detail].filter((x) => x !== undefined).join(' '))

describe('createChat({ trace: true })', () => {
  it('reports each hook that saw a message: what it did and how long it took', async () => {
    const t = await traced([
      codec('utf-8'),
      definePlugin({ name: 'look', inbound: () => undefined }),
      definePlugin({ name: 'shout', inbound: (m) => ({ ...m, text: m.text.toUpperCase() }) }),
      definePlugin({ name: 'tag', inbound: (m) => ({ ...m, meta: { ...m.meta, seen: true } }) }),
      definePlugin({ name: 'broken', inbound: () => { throw new Error('boom') } }),
      definePlugin({ name: 'bot', inbound: async (m, ctx) => ctx.reply(m, 'ok') }),
    ])
    const delivery = await t.peer().send('hi')
    const inbound = delivery.traces.find((x) => x.direction === 'inbound')!
    expect(inbound).toMatchObject({ text: 'hi', outcome: 'delivered' })
    expect(steps(inbound)).toEqual([
      'codec decode decoded utf-8', 'look inbound unchanged', 'shout inbound changed "HI"', 'tag inbound changed meta',
      'broken inbound threw boom', 'bot inbound replied',
    ])
    expect(inbound.steps.every((s) => s.ms >= 0)).toBe(true)
    const reply = delivery.traces.find((x) => x.direction === 'outbound')!
    expect(reply).toMatchObject({ text: 'ok', outcome: 'sent' })
    expect(steps(reply)).toEqual(['codec encode encoded 2 bytes'])
  })

  it('ends a trace at the hook that dropped the message, with the reason', async () => {
    const t = await traced([
      definePlugin({ name: 'filter', inbound: (m) => (m.text === 'spam' ? drop('no spam') : undefined) }),
      definePlugin({ name: 'after', inbound: () => undefined }),
    ])
    const [trace] = (await t.peer().send('spam')).traces
    expect(trace).toMatchObject({ outcome: 'dropped' })
    expect(steps(trace!)).toEqual(['filter inbound dropped no spam'])
  })

  it('reports no trace when off', async () => {
    const inbound = () => undefined
    const t = await createTestChat([definePlugin({ name: 'look', inbound })])
    open.push(t)
    const delivery = await t.peer().send('hi')
    expect(delivery.traces).toEqual([])
  })
})

describe('chat --trace and chat plugins', () => {
  afterEach(stopAll)

  it('chat listen --trace --json prints a trace event per message', async () => {
    const listener = startChat(['listen', '--once', '--trace', '--json', '--host', '127.0.0.1', '--port', '0', '--config', 'examples/bot.config.ts'])
    const port = await listener.port()
    const alice = await plainSocket()
    await alice.send('ping', port)
    expect((await alice.next()).data.toString()).toBe('pong')
    const inbound = await listener.event('trace')
    expect(inbound).toMatchObject({ direction: 'inbound', text: 'ping', outcome: 'delivered', peer: `127.0.0.1:${alice.port}` })
    expect(inbound.steps.map((s: { plugin: string; did: string }) => `${s.plugin} ${s.did}`)).toEqual(['codec decoded', 'autoReply replied'])
    expect(await listener.event('trace')).toMatchObject({ direction: 'outbound', text: 'pong', outcome: 'sent' })
    await alice.close()
    expect((await listener.exited).code).toBe(0)
  })

  it('chat --trace prints each hook on stderr, aligned', async () => {
    const listener = startChat(['listen', '--once', '--trace', '--host', '127.0.0.1', '--port', '0', '--config', 'examples/bot.config.ts'])
    const line = await listener.waitFor(/^listening on /, { stream: 'stderr' })
    const port = Number(/:(\d+) /.exec(line)![1])
    const alice = await plainSocket()
    await alice.send('hello', port)
    await listener.waitFor(/^trace <- 127\.0\.0\.1:\d+ "hello": delivered$/, { stream: 'stderr' })
    expect(await listener.waitFor(/^ {2}autoReply/, { stream: 'stderr' })).toMatch(/^ {2}autoReply {2}inbound {2}replied +\d+\.\d{3} ms$/)
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
    expect(codec).toEqual({ event: 'plugin', name: 'codec', enforce: 'pre', hooks: ['decode', 'encode'], off: [], options: 'utf-8' })
    expect(bot.options.rules[1]).toEqual(['/^(hi|hello)\\b/i', 'hello there!'])
  })
})
