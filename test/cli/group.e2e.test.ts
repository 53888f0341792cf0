import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runChat, runtime, startChat, stopAll } from '../helpers/chat-process.ts'
import { freshGroup } from '../helpers/udp.ts'

afterEach(stopAll)

// Multicast only on the loopback interface, TTL 1: nothing leaves this machine. A group and a
// port of its own per test, so runtimes testing at once do not hear each other.
const LOOPBACK = ['--interface', '127.0.0.1', '--ttl', '1']
const emptyFolder = () => mkdtempSync(join(tmpdir(), 'udpchat-group-'))

describe.runIf(runtime !== 'deno')('chat --group (a multicast room)', () => {
  it("three chats in a group each see the other two's lines, and never their own", { timeout: 60_000 }, async () => {
    const group = await freshGroup()
    const cwd = emptyFolder()
    const members = ['ann', 'bob', 'cyd'].map(() =>
      startChat(['--group', group, ...LOOPBACK, '--host', '127.0.0.1', '--json'], { cwd }),
    )
    // Three starts at once on a busy machine: generous waits.
    const ports = await Promise.all(
      members.map(async (m) => (await m.event('listening', { timeout: 30_000 })).port as number),
    )
    members.forEach((m, i) => m.write(`line from ${i}`))
    for (const [i, member] of members.entries()) {
      const got = [
        await member.event('message', { timeout: 20_000 }),
        await member.event('message', { timeout: 20_000 }),
      ]
      const others = [0, 1, 2].filter((j) => j !== i)
      expect(got.map((e) => e.text).sort()).toEqual(others.map((j) => `line from ${j}`))
      expect(got.map((e) => e.from).sort()).toEqual(others.map((j) => `127.0.0.1:${ports[j]}`).sort())
    }
    for (const member of members) member.end()
    for (const [i, member] of members.entries()) {
      const exit = await member.exited
      expect(exit.code).toBe(0)
      const heard = exit.stdout
        .split('\n')
        .filter((l) => l.includes('"event":"message"'))
        .map((l) => JSON.parse(l).text)
      expect(heard).not.toContain(`line from ${i}`)
    }
  })

  it("a config's `group` does the same, and listen --group hears the room", async () => {
    const group = await freshGroup()
    const cwd = emptyFolder()
    const listener = startChat(['listen', '--once', '--group', group, ...LOOPBACK, '--json'], { cwd })
    await listener.port()
    const config = `export default { host: '127.0.0.1', group: { address: '${group}', interface: '127.0.0.1', ttl: 1 } }\n`
    writeFileSync(join(cwd, 'chat.config.ts'), config)
    const speaker = startChat(['--json'], { cwd })
    await speaker.port()
    speaker.write('hello room')
    expect(await listener.event('message')).toMatchObject({ text: 'hello room' })
    speaker.end()
    expect((await speaker.exited).code).toBe(0)
  })

  it('rejects a --group that is not multicast, and --ttl without --group (exit 2)', async () => {
    const notGroup = await runChat(['listen', '--group', '10.1.2.3:5000'], { cwd: emptyFolder() })
    expect(notGroup).toMatchObject({
      code: 2,
      stderr:
        'chat: Expected --group to be a multicast address (224.0.0.0-239.255.255.255 or ff00::/8), got `10.1.2.3`',
    })
    const ttl = await runChat(['listen', '--ttl', '1'], { cwd: emptyFolder() })
    expect(ttl).toMatchObject({
      code: 2,
      stderr: 'chat: --interface, --ttl and --no-loopback go with --group GROUP:PORT (or a `group` in the config)',
    })
  })
})

describe.runIf(runtime === 'deno')('chat --group on Deno', () => {
  it('says in one line why not, and what to use instead', async () => {
    const exit = await runChat(['listen', '--group', await freshGroup(), ...LOOPBACK], { cwd: emptyFolder() })
    expect(exit.code).toBe(1)
    expect(exit.stderr.trim()).toBe(
      'chat: multicast rooms do not work on Deno: it cannot choose the interface multicast leaves from; run this chat with Node or Bun',
    )
  })
})
