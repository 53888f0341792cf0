import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll, type ChatProcess } from '../helpers/chat-process.ts'

/**
 * A relay written the tutorial way with plain `node:dgram`, not our plugin: it answers `Ack TEXT`
 * to each message, never to `^hb^` or `quit`, and lets a test wait for what it receives.
 */
interface Datagram {
  text: string
  port: number
}

interface PlainRelay {
  readonly port: number
  /**
   * Resolves with the first datagram whose text matches, from the start or, with `after`, among
   * those that came after that one.
   */
  received(match: string | RegExp, after?: Datagram): Promise<Datagram>
  send(text: string, port: number): void
  /** Stops answering `Ack`. */
  mute(): void
  close(): Promise<void>
}

async function plainRelay(): Promise<PlainRelay> {
  const socket = dgram.createSocket('udp4')
  const log: Datagram[] = []
  const waiters = new Set<() => void>()
  let muted = false
  socket.on('message', (data, rinfo) => {
    const text = data.toString('utf8')
    log.push({ text, port: rinfo.port })
    if (!muted && text.trim() !== '^hb^' && text.trim() !== 'quit')
      socket.send(`Ack ${text}`, rinfo.port, rinfo.address)
    for (const wake of waiters) wake()
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return {
    port: socket.address().port,
    received(match, after) {
      const test = (text: string) => (typeof match === 'string' ? text === match : match.test(text))
      return new Promise((resolve, reject) => {
        let index = after ? log.indexOf(after) + 1 : 0
        const check = () => {
          for (; index < log.length; index++) {
            if (test(log[index]!.text)) {
              waiters.delete(check)
              clearTimeout(timer)
              return resolve(log[index]!)
            }
          }
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(
            new Error(`the relay received no ${match} within 10 s; it got: ${JSON.stringify(log.map((l) => l.text))}`),
          )
        }, 10_000)
        waiters.add(check)
        check()
      })
    },
    send: (text, port) => socket.send(text, port, '127.0.0.1'),
    mute: () => void (muted = true),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  }
}

const relays: PlainRelay[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(relays.splice(0).map((r) => r.close()))
})

async function relay(): Promise<PlainRelay> {
  const made = await plainRelay()
  relays.push(made)
  return made
}

function join(target: string, extra: string[] = [], env: Record<string, string> = {}): ChatProcess {
  return startChat(['join', target, '--host', '127.0.0.1', '--port', '0', ...extra], {
    env,
    cwd: `${root}test/fixtures/join-contact`,
  })
}

describe('chat join', () => {
  it('chat join NAME heartbeats the relay, sends typed lines, prints what the relay answers', async () => {
    const server = await relay()
    const client = join('relay', ['--interval', '0.2'], { RELAY_PORT: String(server.port) })
    await client.waitFor(new RegExp(`joined relay \\(127\\.0\\.0\\.1:${server.port}\\)`), { stream: 'stderr' })
    const beat = await server.received('^hb^')

    client.write('hello everyone')
    const line = await server.received('hello everyone')
    expect(line.port).toBe(beat.port)
    expect(await client.waitFor(/Ack hello everyone$/)).toMatch(/^\d\d:\d\d:\d\d Ack hello everyone$/)
    // It keeps beating: a heartbeat after the message, from the same port, with the same text.
    expect((await server.received(/\^hb\^/, line)).text).toBe('^hb^')
    expect(client.stdout.join('\n')).not.toContain('^hb^')
  })

  it.each([
    ['EOF', (c: ChatProcess) => c.end()],
    ['/quit', (c: ChatProcess) => c.write('/quit')],
    ['SIGINT', (c: ChatProcess) => c.kill('SIGINT')],
    ['SIGTERM', (c: ChatProcess) => c.kill('SIGTERM')],
  ])('chat join says quit to the relay on %s', async (_how, leave) => {
    const server = await relay()
    const client = join(`127.0.0.1:${server.port}`, ['--json', '--linger', '0'])
    await client.event('joined')
    await server.received('^hb^')
    leave(client)
    await server.received('quit')
    expect((await client.exited).code).toBe(0)
  })

  it('chat join says when the relay goes silent, answers again, and says Bye!', async () => {
    const server = await relay()
    server.mute()
    const client = join(`127.0.0.1:${server.port}`, ['--json', '--interval', '0.1'])
    await client.event('joined')
    const beat = await server.received('^hb^')
    expect(await client.event('relay')).toMatchObject({ state: 'silent', relay: `127.0.0.1:${server.port}` })

    server.send('still here', beat.port)
    expect(await client.event('message')).toMatchObject({ text: 'still here', from: `127.0.0.1:${server.port}` })
    expect(await client.event('relay')).toMatchObject({ state: 'answering' })

    // However long the machine stalls here (the relay may be reported silent again meanwhile),
    // Bye! ends the session.
    server.send('Bye!', beat.port)
    expect(await client.event('relay', { match: (e) => e.state !== 'silent' })).toMatchObject({ state: 'bye' })
    expect((await client.exited).code).toBe(0)
  })

  it('chat join leaves a relay() of its config out, so a member never sends the room back to itself', async () => {
    const server = await relay()
    const client = startChat([
      'join',
      `127.0.0.1:${server.port}`,
      '--config',
      `${root}test/fixtures/relay/chat.config.ts`,
      '--json',
    ])
    expect((await client.event('listening')).plugins).toEqual(['codec', 'heartbeat'])
    await client.waitFor(/leaving out the config's relay plugin/, { stream: 'stderr' })
  })

  it('chat join exits 2 on a target that is neither a contact nor HOST:PORT', async () => {
    const client = join('nobody')
    const exit = await client.exited
    expect(exit.code).toBe(2)
    expect(exit.stderr).toContain('Unknown target `nobody`')
  })
})
