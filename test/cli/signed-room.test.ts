import { afterEach, describe, expect, it } from 'vitest'
import { seal } from '../../plugins/_signature.ts'
import { keys } from '../fixtures/signed-room/chat.config.ts'
import { root, startChat, stopAll, type ChatProcess, type Runtime } from '../helpers/chat-process.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

// The room spans the three runtimes itself, so this file runs once (in the node project).
const fixture = `${root}test/fixtures/signed-room/chat.config.ts`
const sockets: PlainSocket[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

const json = (line: string) => (line.startsWith('{') ? (JSON.parse(line) as Record<string, any>) : undefined)
const events = (chat: ChatProcess, type: string) =>
  chat.stdout.map(json).filter((e) => e?.event === type) as Array<Record<string, any>>
const said = (text: string) => (line: string) => json(line)?.event === 'message' && json(line)!.text === text

function dropped(chat: ChatProcess, reason: RegExp): Promise<string> {
  return chat.waitFor((line) => json(line)?.event === 'drop' && reason.test(json(line)!.reason))
}

describe('signed() across runtimes', () => {
  it('signed(): a relay on node and members on node, deno and bun talk, named by their keys; replayed, tampered and unsigned datagrams are dropped', async () => {
    const relay = startChat(['serve', '--config', fixture, '--json'], { env: { SIGNED_AS: 'relay', ROOM_RELAY: '1' } })
    const port = await relay.port()
    const members: Array<[string, Runtime, ChatProcess]> = []
    for (const [key, runtime] of [
      ['alice', 'node'],
      ['bob', 'deno'],
      ['carol-1', 'bun'],
    ] as const) {
      const member = startChat(['join', `127.0.0.1:${port}`, '--config', fixture, '--json', '--linger', '0'], {
        runtime,
        env: { SIGNED_AS: key },
      })
      const memberPort = await member.port()
      // A member once the relay has taken its first (signed) heartbeat.
      await relay.waitFor(
        (line) =>
          json(line)?.event === 'drop' &&
          json(line)!.reason === 'relay: heartbeat' &&
          json(line)!.peer === `127.0.0.1:${memberPort}`,
      )
      members.push([key, runtime, member])
    }
    const [alice, bob, carol] = members.map(([, , member]) => member) as [ChatProcess, ChatProcess, ChatProcess]
    alice.write('hello from node')
    bob.write('hello from deno')
    carol.write('hello from bun')
    for (const member of [alice, bob, carol]) {
      for (const line of ['alice: hello from node', 'bob: hello from deno', 'carol: hello from bun'])
        await member.waitFor(said(line))
    }

    // Someone with dave's key (a room key) sends one line; then the exact bytes again, a
    // tampered copy, an unsigned line.
    const mallory = await plainSocket()
    sockets.push(mallory)
    const genuine = seal(
      new TextEncoder().encode('dave was here'),
      'dave',
      new TextEncoder().encode(keys.dave),
      Date.now() * 1024,
    )
    await mallory.send(genuine, port)
    await alice.waitFor(said('dave: dave was here'))
    await mallory.send(genuine, port)
    await dropped(relay, /^signed: a replay, or too old \(key dave/)
    const tampered = seal(
      new TextEncoder().encode('dave was not here'),
      'dave',
      new TextEncoder().encode(keys.dave),
      Date.now() * 1024 + 1,
    )
    tampered[tampered.byteLength - 40]! ^= 1
    await mallory.send(tampered, port)
    await dropped(relay, /^signed: the signature does not match$/)
    await mallory.send('hello, unsigned', port)
    await dropped(relay, /^signed: not signed$/)
    // A datagram the relay signed for mallory (dave's address), replayed at a member from elsewhere.
    const copy = (await mallory.next(10_000)).data
    const alicePort = events(alice, 'listening')[0]!.port as number
    await mallory.send(copy, alicePort)
    await mallory.send(copy, alicePort)
    await dropped(alice, /^signed: a replay, or too old \(key relay/)

    // Then a last line, so that everything before it has been handled everywhere.
    bob.write('last')
    for (const member of [alice, bob, carol]) await member.waitFor(said('bob: last'))
    for (const member of [alice, bob, carol])
      expect(
        events(member, 'message')
          .filter((e) => e.text.startsWith('dave:'))
          .map((e) => e.text),
      ).toEqual(['dave: dave was here'])
    const reasons = events(relay, 'drop')
      .map((e) => e.reason as string)
      .filter((r) => r.startsWith('signed:'))
    expect(reasons.map((r) => r.replace(/ \(.*\)$/, ''))).toEqual([
      'signed: a replay, or too old',
      'signed: the signature does not match',
      'signed: not signed',
    ])
    expect(events(relay, 'message').map((e) => e.text)).not.toContain('dave was not here')

    for (const member of [alice, bob, carol]) member.end()
    for (const member of [alice, bob, carol]) expect((await member.exited).code).toBe(0)
  })
})
