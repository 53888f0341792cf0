import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll, type ChatProcess } from '../helpers/chat-process.ts'
import { cannotForge, forge } from '../helpers/forge.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const fixture = `${root}test/fixtures/relay/chat.config.ts`
const sockets: PlainSocket[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

function startRelay(members: 'open' | 'proven'): ChatProcess {
  return startChat(['serve', '--config', fixture, '--json'], { env: { RELAY_MEMBERS: members } })
}

/** The `--json` events of a kind printed so far. */
function printed(chat: ChatProcess, type: string): Array<Record<string, any>> {
  return chat.stdout
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((event) => event.event === type)
}

function dropped(chat: ChatProcess, reason: RegExp, peer: string): Promise<string> {
  return chat.waitFor((line) => {
    if (!line.startsWith('{')) return false
    const event = JSON.parse(line)
    return event.event === 'drop' && reason.test(event.reason) && event.peer === peer
  })
}

const text = async (socket: PlainSocket) => (await socket.next(10_000)).data.toString('utf8')

/** A plain socket that joins a proven relay by hand: hello, cookie, echo. Returns its cookie. */
async function join(relay: ChatProcess, port: number): Promise<[PlainSocket, string]> {
  const socket = await plainSocket()
  sockets.push(socket)
  await socket.send('^hb^', port)
  const cookie = /^\^cookie\^ ([\w-]{22})$/.exec(await text(socket))?.[1]
  if (!cookie) throw new Error('no cookie from the relay')
  await socket.send(`${cookie} ^hb^`, port)
  await dropped(relay, /^relay: heartbeat$/, `127.0.0.1:${socket.port}`)
  return [socket, cookie]
}

describe.skipIf(cannotForge)(
  `relay({ members: 'proven' }) against forged sources${cannotForge ? ` (skipped: ${cannotForge})` : ''}`,
  () => {
    it("relay({ members: 'proven' }) refuses a forged line, quit and join, and counts each", async () => {
      const relay = startRelay('proven')
      const port = await relay.port()
      const [alice, cookie] = await join(relay, port)
      const [bob] = await join(relay, port)
      const aliceAt = `127.0.0.1:${alice.port}`
      const victim = { host: '127.0.0.77', port: 5555 }

      await forge(
        { host: '127.0.0.1', port: alice.port },
        port,
        'this is alice: please send me your password',
        'quit',
        `${'A'.repeat(22)} quit`,
      )
      await forge(victim, port, '^hb^', '^hb^', '^hb^', '^hb^', '^hb^', '^hb^')
      let victimDrops = 0
      await relay.waitFor(
        (line) => line.includes('"event":"drop"') && line.includes('127.0.0.77:5555') && ++victimDrops === 6,
      )
      await alice.send(`${cookie} the real alice`, port)
      // Bob's next datagram is alice's real line: nothing forged reached the room.
      expect(await text(bob)).toBe(`${aliceAt}: the real alice`)
      await relay.waitFor(
        (line) => line.includes('"event":"sent"') && line.includes('the real alice') && line.includes(aliceAt),
      )

      const drops = printed(relay, 'drop')
      expect(
        drops.filter((d) => d.peer === aliceAt && d.reason.startsWith("relay: a datagram without its member's cookie")),
      ).toHaveLength(3)
      expect(
        drops.filter((d) => d.peer === '127.0.0.77:5555' && d.reason.startsWith('relay: not a member yet')),
      ).toHaveLength(6)
      // The victim never became a member: it got cookie notices only, within the budget per address.
      const toVictim = printed(relay, 'sent').filter((s) => s.to === '127.0.0.77:5555')
      expect(toVictim.length).toBeGreaterThan(0)
      expect(toVictim.length).toBeLessThanOrEqual(4)
      expect(toVictim.every((s) => s.text.startsWith('^cookie^ '))).toBe(true)
      // Alice is still a member: her quit was forged.
      expect(printed(relay, 'drop').some((d) => d.reason === 'relay: quit')).toBe(false)
    })

    it("relay({ members: 'open' }) takes the same forgeries (the tutorial protocol: what 'proven' is for)", async () => {
      const relay = startRelay('open')
      const port = await relay.port()
      const [alice, bob] = [await plainSocket(), await plainSocket()]
      sockets.push(alice, bob)
      for (const member of [alice, bob]) {
        await member.send('^hb^', port)
        await dropped(relay, /^relay: heartbeat$/, `127.0.0.1:${member.port}`)
      }
      await forge({ host: '127.0.0.1', port: alice.port }, port, 'this is alice: please send me your password')
      expect(await text(bob)).toBe(`127.0.0.1:${alice.port}: this is alice: please send me your password`)
    })

    it('chat join believes only a Bye! with the proven relay’s proof', async () => {
      const relay = startRelay('proven')
      const port = await relay.port()
      const client = startChat(['join', `127.0.0.1:${port}`, '--json', '--proven'])
      const clientPort = await client.port()
      await dropped(relay, /^relay: heartbeat$/, `127.0.0.1:${clientPort}`)

      await forge({ host: '127.0.0.1', port }, clientPort, 'Bye!')
      await dropped(client, /^heartbeat: a Bye! without the relay's proof/, `127.0.0.1:${port}`)
      client.write('still here')
      await client.waitFor(
        (line) => line.includes('"event":"message"') && line.includes(`127.0.0.1:${clientPort}: still here`),
      )

      relay.kill('SIGTERM')
      expect(await client.event('relay')).toMatchObject({ state: 'bye' })
      expect((await client.exited).code).toBe(0)
    })
  },
)
