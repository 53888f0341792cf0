import dgram from 'node:dgram'
import { afterEach, describe, expect, it } from 'vitest'
import { runInProc, startInProc, writeConfig } from '../helpers/inproc.ts'

/** A relay written the plain way: it logs what it receives, and a test waits for what it wants. */
interface PlainRelay {
  readonly port: number
  /** The first datagram (after the `after`-th) whose text matches; its index in the log. */
  received(match: string | RegExp, after?: number): Promise<{ text: string; port: number; index: number }>
  readonly log: string[]
  send(text: string, port: number): void
  close(): Promise<void>
}

const relays: PlainRelay[] = []
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.close()))
})

async function plainRelay(): Promise<PlainRelay> {
  const socket = dgram.createSocket('udp4')
  const log: Array<{ text: string; port: number }> = []
  const waiters = new Set<() => void>()
  socket.on('message', (data, rinfo) => {
    log.push({ text: data.toString(), port: rinfo.port })
    for (const wake of waiters) wake()
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const relay: PlainRelay = {
    port: socket.address().port,
    get log() {
      return log.map((l) => l.text)
    },
    received(match, after = -1) {
      const test = (text: string) => (typeof match === 'string' ? text === match : match.test(text))
      return new Promise((resolve) => {
        let index = after + 1
        const check = () => {
          for (; index < log.length; index++) {
            if (test(log[index]!.text)) {
              waiters.delete(check)
              return resolve({ ...log[index]!, index })
            }
          }
        }
        waiters.add(check)
        check()
      })
    },
    send: (text, port) => socket.send(text, port, '127.0.0.1'),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  }
  relays.push(relay)
  return relay
}

describe('chat join, in process', () => {
  it('--json: joined, heartbeats every --interval, typed lines, broadcasts as messages, quit at the end', async () => {
    const relay = await plainRelay()
    const member = startInProc(['join', String(relay.port), '-i', '0.05', '--json', '--linger', '0'])
    expect(await member.event('joined')).toEqual({
      event: 'joined',
      relay: `127.0.0.1:${relay.port}`,
      peer: null,
      interval: 0.05,
    })
    const first = await relay.received('^hb^')
    // A second heartbeat, after the first: they are periodic.
    const second = await relay.received('^hb^', first.index)
    expect(second.port).toBe(first.port)
    member.write('hello room')
    await relay.received('hello room')
    relay.send('alice: hi', first.port)
    expect(await member.event('message')).toMatchObject({ text: 'alice: hi', from: `127.0.0.1:${relay.port}` })
    member.end()
    expect((await member.exited).code).toBe(0)
    await relay.received('quit')
    expect(relay.log.at(-1)).toBe('quit')
    expect(relay.log.filter((t) => t === 'quit')).toHaveLength(1)
  })

  it('prints broadcasts as the relay wrote them, others with their address; /help; leaves on Bye!', async () => {
    const relay = await plainRelay()
    const member = startInProc(['join', `127.0.0.1:${relay.port}`, '--host', '127.0.0.1'])
    const joined = await member.waitFor(/^joined /, { stream: 'stderr' })
    const { port } = await relay.received('^hb^')
    expect(joined).toBe(`joined 127.0.0.1:${relay.port} from 127.0.0.1:${port}; a heartbeat every 10 s; /quit to leave`)
    relay.send('bob: hi all\n', port)
    expect(await member.waitFor(/bob/)).toMatch(/^\d\d:\d\d:\d\d bob: hi all$/)
    const stranger = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => stranger.bind(0, '127.0.0.1', resolve))
    stranger.send('psst', port, '127.0.0.1')
    expect(await member.waitFor(/psst/)).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d 127\\.0\\.0\\.1:${stranger.address().port}: psst$`),
    )
    stranger.close()
    member.write('/help')
    expect(await member.waitFor(/quit/)).toBe(
      '  /quit, /reload, /help; another /command is sent as text; //text sends "/text"',
    )
    member.write('/roll 2d6')
    await relay.received('/roll 2d6')
    member.write('//quit')
    await relay.received('/quit')
    relay.send('Bye!', port)
    await member.waitFor(`127.0.0.1:${relay.port} said Bye!: the relay has closed the room; leaving`, {
      stream: 'stderr',
    })
    expect((await member.exited).code).toBe(0)
  })

  it('/quit leaves, saying quit once', async () => {
    const relay = await plainRelay()
    const member = startInProc(['join', String(relay.port), '-q'])
    const { port } = await relay.received('^hb^')
    member.write('/quit')
    const exit = await member.exited
    expect(exit).toEqual({ code: 0, stdout: '', stderr: '' })
    const quit = await relay.received('quit')
    expect(quit.port).toBe(port)
  })

  it('--nick announces ^here^ NAME with the heartbeats', async () => {
    const relay = await plainRelay()
    const member = startInProc(['join', String(relay.port), '--nick', 'amy', '-q'])
    await relay.received('^here^ amy')
    member.kill('SIGTERM')
    expect((await member.exited).code).toBe(0)
    await relay.received('quit')
  })

  it('says when the relay goes silent and when it answers again (--json: relay events)', async () => {
    const relay = await plainRelay()
    const member = startInProc(['join', String(relay.port), '-i', '0.02'])
    const { port } = await relay.received('^hb^')
    expect(await member.waitFor(/has sent nothing/, { stream: 'stderr' })).toBe(
      `warning 127.0.0.1:${relay.port} has sent nothing for 0.06 s: the relay may have stopped (still sending heartbeats)`,
    )
    relay.send('I am back', port)
    await member.waitFor(`127.0.0.1:${relay.port} is answering again`, { stream: 'stderr' })
    member.kill('SIGINT')
    expect((await member.exited).code).toBe(0)
    const json = startInProc(['join', String(relay.port), '-i', '0.02', '--json'])
    expect(await json.event('relay')).toEqual({
      event: 'relay',
      state: 'silent',
      relay: `127.0.0.1:${relay.port}`,
      seconds: 0.06,
    })
    json.kill('SIGINT')
    await json.exited
  })

  it("joins a contact of the config by name, leaving the config's own relay plugin out (with a warning)", async () => {
    const relay = await plainRelay()
    const config = writeConfig(
      "import { relay } from '@/plugins/index.ts'\n" +
        `export default { peers: { hub: '127.0.0.1:${relay.port}' }, plugins: [relay()] }`,
    )
    const member = startInProc(['join', 'hub', '-c', config, '--json'])
    expect(await member.event('listening')).toMatchObject({ plugins: ['heartbeat'] })
    expect(await member.event('joined')).toMatchObject({ relay: `127.0.0.1:${relay.port}`, peer: 'hub' })
    await member.waitFor(
      "warning leaving out the config's relay plugin: a member that is also a relay would echo every broadcast back to the room",
      { stream: 'stderr' },
    )
    member.end()
    expect((await member.exited).code).toBe(0)
    const unknown = await runInProc(['join', 'hbu', '-c', config])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toBe('chat: Unknown target `hbu`: expected a contact name or HOST:PORT; contacts: hub\n')
  })
})
