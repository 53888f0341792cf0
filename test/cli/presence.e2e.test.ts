import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { root, runChat, runtime, startChat, stopAll } from '../helpers/chat-process.ts'
import { python } from '../helpers/python.ts'
import { freshGroup, plainSocket } from '../helpers/udp.ts'

afterEach(stopAll)

const config = join(root, 'test/fixtures/presence/chat.config.ts')

// Presence over a multicast room on 127.0.0.1 (rooms run on Node and Bun; Deno refuses them).
describe.runIf(runtime !== 'deno')('presence() in a multicast room', () => {
  it('lists every member, shows lines by nickname, and forgets one that left', { timeout: 60_000 }, async () => {
    const group = await freshGroup()
    const names = ['ann', 'bob', 'cyd']
    const [ann, bob, cyd] = names.map((name) =>
      startChat(['--config', config, '--json'], { env: { PRESENCE_NAME: name, PRESENCE_GROUP: group } }),
    )
    const chats = [ann!, bob!, cyd!]
    await Promise.all(chats.map((c) => c.event('listening', { timeout: 30_000 })))
    for (const [i, chat] of chats.entries()) {
      for (const other of names.filter((_, j) => j !== i))
        await chat.waitFor(new RegExp(`\\[presence\\] ${other} is here`), { stream: 'stderr', timeout: 20_000 })
    }
    ann!.write('/who')
    await ann!.waitFor(/^ {2}bob {2}127\.0\.0\.1:\d+ {2}\(heard \d+ s ago\)$/, { timeout: 10_000 })
    bob!.write('hello from bob')
    expect(await ann!.event('message', { timeout: 10_000 })).toMatchObject({ text: 'hello from bob', peer: 'bob' })
    cyd!.kill('SIGKILL') // no goodbye: forgotten after 2.5 intervals
    await ann!.waitFor(/\[presence\] cyd left \(not heard for \d+ s\)/, { stream: 'stderr', timeout: 20_000 })
    bob!.end() // a goodbye on the way out
    await ann!.waitFor(/\[presence\] bob left \(said goodbye\)/, { stream: 'stderr', timeout: 20_000 })
    ann!.end()
    expect((await ann!.exited).code).toBe(0)
  })
})

describe('chat join --nick', () => {
  it("names us in a relay that has presence(): the relay's {from} is the nickname", async () => {
    const server = startChat(['serve', '--config', join(root, 'test/fixtures/relay/chat.config.ts'), '--json'], {
      env: { RELAY_PRESENCE: '1' },
    })
    const port = await server.port()
    const bob = await plainSocket()
    try {
      await bob.send('^hb^', port)
      const alice = startChat(['join', String(port), '--nick', 'alice', '--json'])
      await alice.event('joined')
      // The relay has taken the nickname once its presence() drops the announcement (a --json `drop` event).
      await server.waitFor(
        (l) => l.includes('"reason":"presence: announcement"') && l.includes('"text":"^here^ alice"'),
        { timeout: 10_000 },
      )
      alice.write('hello room')
      let line = ''
      while (!line.endsWith('hello room')) line = (await bob.next(10_000)).data.toString()
      expect(line).toBe('alice: hello room')
      alice.end()
      expect((await alice.exited).code).toBe(0)
    } finally {
      await bob.close()
    }
  })

  it('rejects a nickname with control characters (exit 2)', async () => {
    const exit = await runChat(['join', '9', '--nick', 'a\x1bb'])
    expect(exit).toMatchObject({
      code: 2,
      stderr: 'chat: Expected --nick to be a nickname of 1-32 printable characters, got `a\x1bb`',
    })
  })
})

describe('presence() over loopback broadcast', () => {
  it('announces to 127.255.255.255 (a Python listener hears it) and lists a Python member in /who', async () => {
    // Python shares a port on the loopback broadcast address, prints it, reads one announcement,
    // then announces itself to the chat's own port (printed to it on stdin).
    const py = python(
      `import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n` +
        `s.bind(('127.255.255.255',0))\nprint(s.getsockname()[1],flush=True)\ns.settimeout(15)\n` +
        `d,a=s.recvfrom(2048)\nprint(d.decode(),flush=True)\n` +
        `o=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\no.bind(('127.0.0.1',0))\n` +
        `o.sendto(b'^here^ py\\n',('127.0.0.1',int(sys.stdin.readline())))`,
      { stdin: true },
    )
    const port = Number(await py.firstLine)
    const env = { PRESENCE_NAME: 'ann', PRESENCE_TO: `127.255.255.255:${port}` }
    const chat = startChat(['--config', join(root, 'test/fixtures/presence-broadcast/chat.config.ts'), '--json'], {
      env,
    })
    const chatPort = (await chat.event('listening', { timeout: 30_000 })).port as number
    py.write(`${chatPort}\n`)
    expect((await py.done).split('\n')[1]).toBe('^here^ ann')
    await chat.waitFor(/\[presence\] py is here/, { stream: 'stderr', timeout: 20_000 })
    chat.write('/who')
    await chat.waitFor(/^ {2}py {2}127\.0\.0\.1:\d+ {2}\(heard \d+ s ago\)$/, { timeout: 10_000 })
    chat.end()
    expect((await chat.exited).code).toBe(0)
  })
})
