import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll, type ChatProcess } from '../helpers/chat-process.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const fixture = `${root}test/fixtures/relay/chat.config.ts`
const sockets: PlainSocket[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

/** Members are plain sockets, as a tutorial client would use. */
async function members(n: number): Promise<PlainSocket[]> {
  const made = await Promise.all(Array.from({ length: n }, () => plainSocket()))
  sockets.push(...made)
  return made
}

function startRelay(env: Record<string, string> = {}): ChatProcess {
  return startChat(['serve', '--config', fixture, '--json'], { env })
}

/** Waits for the relay's `--json` line saying it took `reason` (heartbeat, quit...) from `member`. */
function dropped(relay: ChatProcess, member: PlainSocket, reason: string): Promise<string> {
  return relay.waitFor((line) => {
    if (!line.startsWith('{')) return false
    const event = JSON.parse(line)
    return event.event === 'drop' && event.reason === `relay: ${reason}` && event.peer === `127.0.0.1:${member.port}`
  })
}

async function join(relay: ChatProcess, port: number, member: PlainSocket): Promise<void> {
  await member.send('^hb^', port)
  await dropped(relay, member, 'heartbeat')
}

const text = async (member: PlainSocket) => (await member.next(10_000)).data.toString('utf8')

describe('relay()', () => {
  it('relay() broadcasts to every member, the sender included, labels contacts, never broadcasts heartbeats, and lets a member quit', async () => {
    const [alice, bob, carol] = await members(3)
    const relay = startRelay({ ALICE_PORT: String(alice!.port) })
    const port = await relay.port()
    for (const member of [alice!, bob!, carol!]) await join(relay, port, member)

    await alice!.send('hello', port)
    for (const member of [alice!, bob!, carol!]) expect(await text(member)).toBe('alice: hello')

    // A heartbeat in between must not reach anyone: the next datagram each gets is carol's line.
    await bob!.send('  ^hb^\n', port)
    await carol!.send('second', port)
    for (const member of [alice!, bob!, carol!]) expect(await text(member)).toBe(`127.0.0.1:${carol!.port}: second`)

    await bob!.send('quit', port)
    await dropped(relay, bob!, 'quit')
    await alice!.send('after bob left', port)
    expect(await text(alice!)).toBe('alice: after bob left')
    expect(await text(carol!)).toBe('alice: after bob left')
    // Bob comes back: the first thing he gets is his own line, so he missed the one before.
    await bob!.send('back', port)
    expect(await text(bob!)).toBe(`127.0.0.1:${bob!.port}: back`)
  })

  it('relay() drops a member silent for `timeout` seconds', async () => {
    const [quiet, talker] = await members(2)
    const relay = startRelay({ RELAY_TIMEOUT: '0.3' })
    const port = await relay.port()
    await join(relay, port, quiet!)
    await relay.waitFor((line) => line.includes(`127.0.0.1:${quiet!.port} expired`), { stream: 'stderr' })

    await talker!.send('anyone here?', port)
    expect(await text(talker!)).toBe(`127.0.0.1:${talker!.port}: anyone here?`)
    await quiet!.send('back', port)
    expect(await text(quiet!)).toBe(`127.0.0.1:${quiet!.port}: back`)
  })

  it('relay() refuses a member beyond maxMembers, and says Bye! to every member on SIGTERM', async () => {
    const [first, second, third] = await members(3)
    const relay = startRelay({ RELAY_MAX: '2' })
    const port = await relay.port()
    await join(relay, port, first!)
    await join(relay, port, second!)

    await third!.send('let me in, please', port)
    expect(await text(third!)).toBe('The room is full.')
    await relay.waitFor((line) => line.includes(`Refused 127.0.0.1:${third!.port}`) && line.includes('maxMembers: 2'), {
      stream: 'stderr',
    })
    await first!.send('just us', port)
    expect(await text(first!)).toBe(`127.0.0.1:${first!.port}: just us`)
    expect(await text(second!)).toBe(`127.0.0.1:${first!.port}: just us`)

    relay.kill('SIGTERM')
    expect(await text(first!)).toBe('Bye!')
    expect(await text(second!)).toBe('Bye!')
    const exit = await relay.exited
    expect(exit.code).toBe(0)
    expect(exit.stderr).toContain('said Bye! to 2 members')
  })
})
