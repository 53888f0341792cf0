import { describe, expect, it } from 'vitest'
import {
  createChat,
  definePlugin,
  drop,
  isChatError,
  resolveConfig,
  type Chat,
  type ChatEvent,
  type Plugin,
} from '../../core/index.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket } from '../helpers/udp.ts'

/** A chat on 127.0.0.1:0 with the given plugins, and every event it reports. */
async function start(plugins: Plugin<any>[], datagramEvents?: Array<'message' | 'sent'>) {
  const events: ChatEvent[] = []
  const waiters: Array<() => void> = []
  const chat = await createChat({
    config: resolveConfig({ host: '127.0.0.1', port: 0, plugins }),
    datagramEvents,
    onEvent(event) {
      events.push(event)
      for (const wake of waiters.splice(0)) wake()
    },
    hookTimeout: 500,
  })
  closeAfterTest(chat)
  /** Waits for the first event that matches (those already seen included). */
  function next<T extends ChatEvent['type']>(
    type: T,
    where: (e: Extract<ChatEvent, { type: T }>) => boolean = () => true,
  ) {
    return new Promise<Extract<ChatEvent, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${type} event; saw ${events.map((e) => e.type).join(', ')}`)),
        5000,
      )
      const check = () => {
        const found = events.find(
          (e): e is Extract<ChatEvent, { type: T }> => e.type === type && where(e as Extract<ChatEvent, { type: T }>),
        )
        if (found) {
          clearTimeout(timer)
          resolve(found)
        } else waiters.push(check)
      }
      check()
    })
  }
  return { chat, events, next }
}

async function peer() {
  return closeAfterTest(await plainSocket())
}

describe('createChat() pipeline', () => {
  it('runs inbound hooks in config order, pre first and post last, and delivers the result', async () => {
    const steps: string[] = []
    const step = (name: string, enforce?: 'pre' | 'post') =>
      definePlugin({ name, enforce, inbound: (m) => (steps.push(name), { ...m, text: `${m.text}>${name}` }) })
    const { chat, next } = await start([step('a'), step('last', 'post'), step('b'), step('first', 'pre')])
    const alice = await peer()
    await alice.send('hi', chat.local.port)
    const { message } = await next('message')
    expect(steps).toEqual(['first', 'a', 'b', 'last'])
    expect(message.text).toBe('hi>first>a>b>last')
    expect(message).toMatchObject({
      from: { host: '127.0.0.1', port: alice.port, family: 'IPv4' },
      encoding: 'utf-8',
      bytes: Buffer.from('hi'),
    })
  })

  it('keeps the order of messages that came together when a hook answers some of them with a promise', async () => {
    // Async for some messages only (a cache miss, say): each arrives before the next is handed over.
    const sometimes = definePlugin({
      name: 'sometimes',
      inbound: (m) => (m.text.startsWith('slow') ? Promise.resolve().then(() => m) : undefined),
    })
    const seen: string[] = []
    const after = definePlugin({ name: 'after', inbound: (m) => void seen.push(m.text) })
    const { chat, events, next } = await start([sometimes, after], ['message'])
    const alice = await peer()
    const texts = ['slow1', 'fast2', 'slow3', 'fast4', 'slow5', 'fast6']
    // Back to back, so that they arrive in one turn of the event loop.
    await Promise.all(texts.map((text) => alice.send(text, chat.local.port)))
    await next('message', (e) => e.message.text === 'fast6')
    await next('message', (e) => e.message.text === 'slow5')
    expect(seen).toEqual(texts)
    expect(events.flatMap((e) => (e.type === 'message' ? [e.message.text] : []))).toEqual(texts)
  })

  it('stops a message dropped by a hook and reports the plugin and the reason', async () => {
    const seen: string[] = []
    const { chat, next, events } = await start([
      definePlugin({ name: 'filter', inbound: (m) => (m.text.includes('spam') ? drop('looks like spam') : undefined) }),
      definePlugin({ name: 'after', inbound: (m) => void seen.push(m.text) }),
    ])
    const alice = await peer()
    await alice.send('buy spam', chat.local.port)
    await alice.send('hello', chat.local.port)
    const dropped = await next('drop')
    await next('message')
    expect(dropped).toMatchObject({
      plugin: 'filter',
      reason: 'looks like spam',
      direction: 'inbound',
      text: 'buy spam',
    })
    expect(seen).toEqual(['hello'])
    expect(events.filter((e) => e.type === 'message')).toHaveLength(1)
  })

  it('reports a hook that throws with the plugin name and sender, and the others go on', async () => {
    const { chat, next } = await start([
      definePlugin({
        name: 'broken',
        inbound: () => {
          throw new Error('boom')
        },
      }),
      definePlugin({ name: 'shout', inbound: (m) => ({ ...m, text: m.text.toUpperCase() }) }),
    ])
    const alice = await peer()
    await alice.send('still here', chat.local.port)
    const error = await next('error')
    expect(error).toMatchObject({ plugin: 'broken', hook: 'inbound', peer: { port: alice.port } })
    expect(error.error.message).toBe('boom')
    expect((await next('message')).message.text).toBe('STILL HERE')
  })

  it("drops the message when a failing plugin's policy is to fail closed", async () => {
    const { chat, next, events } = await start([
      definePlugin({
        name: 'auth',
        onError: 'drop',
        inbound: () => {
          throw new Error('no key')
        },
      }),
    ])
    const alice = await peer()
    await alice.send('let me in', chat.local.port)
    expect(await next('drop')).toMatchObject({
      plugin: 'auth',
      reason: 'its inbound hook failed (the plugin fails closed)',
    })
    expect(events.some((e) => e.type === 'message')).toBe(false)
  })

  it('waits for async hooks and gives up on one that hangs', async () => {
    const { chat, next } = await start([
      definePlugin({ name: 'slow', inbound: async (m) => ({ ...m, text: `${m.text} (slow)` }) }),
      definePlugin({ name: 'stuck', inbound: () => new Promise<void>(() => {}) }),
    ])
    const alice = await peer()
    await alice.send('hi', chat.local.port)
    expect((await next('error')).error.message).toBe('its inbound hook did not finish within 500 ms')
    expect((await next('message')).message.text).toBe('hi (slow)')
  })

  it('sends a reply through the outbound chain, and the reply never re-enters inbound', async () => {
    const inbound: string[] = []
    const outbound: string[] = []
    const { chat } = await start([
      definePlugin({ name: 'echo', inbound: (m, ctx) => (inbound.push(m.text), ctx.reply(m, `re: ${m.text}`)) }),
      definePlugin({ name: 'sign', outbound: (m) => (outbound.push(m.text), { ...m, text: `${m.text} --bot` }) }),
    ])
    const alice = await peer()
    await alice.send('hello', chat.local.port)
    expect((await alice.next()).data.toString()).toBe('re: hello --bot')
    expect(inbound).toEqual(['hello'])
    expect(outbound).toEqual(['re: hello'])
  })

  it.each([
    ['without outbound hooks (each copy skips the chain)', []],
    [
      'with an outbound hook (each copy takes the full way out)',
      [definePlugin({ name: 'sign', outbound: (m) => ({ ...m, text: `${m.text}!` }) })],
    ],
  ])('broadcast() sends one copy to each address %s', async (_, extra) => {
    const bob = await peer()
    const carol = await peer()
    const targets = [bob, carol].map((s) => ({ host: '127.0.0.1', port: s.port, family: 'IPv4' as const }))
    const { chat, next } = await start([
      definePlugin({ name: 'fan', inbound: (m, ctx) => ctx.broadcast(`all: ${m.text}`, targets) }),
      ...extra,
    ])
    const alice = await peer()
    await alice.send('hi', chat.local.port)
    const expected = extra.length ? 'all: hi!' : 'all: hi'
    expect([(await bob.next()).data.toString(), (await carol.next()).data.toString()]).toEqual([expected, expected])
    await next('sent', (e) => e.to.port === bob.port)
    expect(await next('sent', (e) => e.to.port === carol.port)).toMatchObject({
      plugin: 'fan',
      text: expected,
      bytes: expected.length,
    })
  })

  it('builds only the per-datagram events the handler hears, and still reports every drop', async () => {
    const { chat, events, next } = await start(
      [
        definePlugin({
          name: 'echo',
          inbound: (m, ctx) =>
            m.text === 'boom' ? ctx.send('x'.repeat(70_000), m.from) : ctx.reply(m, m.text.toUpperCase()),
        }),
      ],
      ['sent'],
    )
    const alice = await peer()
    await alice.send('hi', chat.local.port)
    expect((await alice.next()).data.toString()).toBe('HI')
    expect(await next('sent')).toMatchObject({ plugin: 'echo', text: 'HI' })
    await alice.send('boom', chat.local.port)
    // A plugin's datagram over UDP's limit is dropped with a reason (not a send failure of the plugin).
    expect((await next('drop')).reason).toMatch(/70000 bytes is over the datagram limit \(65507\)/)
    expect(events.map((e) => e.type)).toEqual(['listening', 'sent', 'drop'])
  })

  it('drops a broadcast copy over the datagram limit with a reason, as a send or a reply (one check for all)', async () => {
    const { chat, events, next } = await start(
      [
        definePlugin({
          name: 'shout',
          inbound: (m, ctx) => ctx.broadcast(m.text === 'big' ? 'x'.repeat(70_000) : m.text, [m.from, m.from]),
        }),
      ],
      ['sent'],
    )
    const alice = await peer()
    await alice.send('big', chat.local.port)
    await alice.send('small', chat.local.port)
    expect((await alice.next()).data.toString()).toBe('small')
    await chat.idle()
    const drops = events.filter((e) => e.type === 'drop')
    expect(drops.map((d) => [d.plugin, d.direction, d.reason])).toEqual([
      ['shout', 'outbound', 'guard: 70000 bytes is over the datagram limit (65507)'],
      ['shout', 'outbound', 'guard: 70000 bytes is over the datagram limit (65507)'],
    ])
    expect(events.filter((e) => e.type === 'error')).toEqual([])
    await next('sent', (e) => e.text === 'small')
  })

  it('sends the replies of many datagrams in the order they were made', async () => {
    const { chat } = await start([
      definePlugin({
        name: 'triple',
        inbound: (m, ctx) => ['a', 'b', 'c'].forEach((x) => ctx.reply(m, `${m.text}${x}`)),
      }),
    ])
    const alice = await peer()
    for (const n of [1, 2, 3]) await alice.send(String(n), chat.local.port)
    const got: string[] = []
    for (let i = 0; i < 9; i++) got.push((await alice.next()).data.toString())
    expect(got).toEqual(['1a', '1b', '1c', '2a', '2b', '2c', '3a', '3b', '3c'])
  })

  it('reports a send to a port out of range as an error, and goes idle', async () => {
    const to = { host: '127.0.0.1', port: 70_000, family: 'IPv4' as const }
    const { chat, next } = await start([definePlugin({ name: 'bad', inbound: (m, ctx) => ctx.send('x', to) })])
    const alice = await peer()
    await alice.send('go', chat.local.port)
    expect(await next('error')).toMatchObject({
      plugin: 'bad',
      error: { message: expect.stringMatching(/^Not sent to 127\.0\.0\.1:70000: .*port/i) },
    })
    await chat.idle()
  })

  it('ignores datagrams from its own socket, so it never answers itself', async () => {
    const { chat, next, events } = await start([
      definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, m.text) }),
    ])
    await chat.send('to myself', chat.local)
    const alice = await peer()
    await alice.send('from alice', chat.local.port)
    await next('message')
    expect(
      events.filter((e) => e.type === 'message').map((e) => (e as { message: { text: string } }).message.text),
    ).toEqual(['from alice'])
  })

  it('labels messages from contacts with their name', async () => {
    const alice = await peer()
    const chat = await createChat({
      config: resolveConfig({ host: '127.0.0.1', port: 0, peers: { alice: `127.0.0.1:${alice.port}` } }),
      onEvent: (e) => e.type === 'message' && received(e.message.meta.peer),
    })
    closeAfterTest(chat)
    let received!: (name: unknown) => void
    const name = new Promise((resolve) => (received = resolve))
    await alice.send('hi', chat.local.port)
    expect(await name).toBe('alice')
    expect(await chat.resolve('alice')).toEqual({ host: '127.0.0.1', port: alice.port, family: 'IPv4' })
  })

  it('rejects a send larger than one datagram with a clear error', async () => {
    const { chat } = await start([])
    const error = await chat.send('x'.repeat(70_000), '127.0.0.1:9').catch((e: unknown) => e)
    expect(isChatError(error) && error.code).toBe('E_MSG_SIZE')
    expect((error as Error).message).toBe(
      'Not sent to 127.0.0.1:9: 70000 bytes is more than one UDP datagram can carry (65507)',
    )
  })
})

describe('createChat() lifecycle', () => {
  it('sets plugins up in order and disposes them in reverse, aborting their signal', async () => {
    const steps: string[] = []
    let signal: AbortSignal | undefined
    const plugin = (name: string) =>
      definePlugin({
        name,
        setup: (ctx) => void (steps.push(`setup ${name}`), (signal ??= ctx.signal)),
        dispose: () => void steps.push(`dispose ${name}`),
      })
    const { chat } = await start([plugin('a'), plugin('b'), plugin('c')])
    expect(signal?.aborted).toBe(false)
    await chat.close()
    expect(steps).toEqual(['setup a', 'setup b', 'setup c', 'dispose c', 'dispose b', 'dispose a'])
    expect(signal?.aborted).toBe(true)
  })

  it('fails to start when a setup throws, after disposing the plugins already set up', async () => {
    const steps: string[] = []
    const error = await start([
      definePlugin({
        name: 'ok',
        setup: () => void steps.push('setup ok'),
        dispose: () => void steps.push('dispose ok'),
      }),
      definePlugin({
        name: 'bad',
        setup: () => {
          throw new Error('no database')
        },
      }),
    ]).catch((e: unknown) => e)
    expect(isChatError(error) && error.code).toBe('E_PLUGIN')
    expect((error as Error).message).toBe('Plugin "bad" failed to start: no database')
    expect(steps).toEqual(['setup ok', 'dispose ok'])
  })

  it('lets datagrams sent while plugins dispose leave before the socket closes', async () => {
    const alice = await peer()
    const { chat } = await start([
      definePlugin({ name: 'bye', dispose: (ctx) => ctx.send('Bye!', `127.0.0.1:${alice.port}`) }),
    ])
    await chat.close()
    expect((await alice.next()).data.toString()).toBe('Bye!')
  })
})
