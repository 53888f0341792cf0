import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { root, runChat, startChat, stopAll } from '../helpers/chat-process.ts'
import { pythonReceiver } from '../helpers/python.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const sockets: PlainSocket[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

async function peer() {
  const socket = await plainSocket()
  sockets.push(socket)
  return socket
}

const emptyFolder = () => mkdtempSync(join(tmpdir(), 'udpchat-send-'))
const messages = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((e) => e.event === 'message')

describe('chat send and the config of its folder', () => {
  it('runs only the plugins that shape the wire: its bot does not answer the answers, its logger writes nothing', async () => {
    const device = await peer()
    const cwd = emptyFolder()
    writeFileSync(
      join(cwd, 'chat.config.ts'),
      `import { defineConfig } from '${root}core/index.ts'
import { codec, logger, uppercaseEcho } from '${root}plugins/index.ts'
export default defineConfig({ host: '127.0.0.1', port: 0, plugins: [codec('utf-8'), logger({ file: 'sent.jsonl' }), uppercaseEcho()] })
`,
    )
    const sending = runChat(['send', String(device.port), 'hello', '--wait', '1500', '--json'], { cwd })
    const asked = await device.next(10_000)
    expect(asked.data.toString()).toBe('hello')
    await device.send('HELLO', asked.from.port)
    const exit = await sending
    expect(exit.code).toBe(0)
    expect(messages(exit.stdout).map((m) => m.text)).toEqual(['HELLO'])
    const listening = exit.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((e) => e.event === 'listening')
    expect(listening.plugins).toEqual(['codec'])
    // An uppercaseEcho in the sender would have answered HELLO before the wait was over.
    await expect(device.next(200)).rejects.toThrow(/no datagram/)
    expect(existsSync(join(cwd, 'sent.jsonl'))).toBe(false)
  })
})

describe('chat send --wait', () => {
  // The plugin guide's first step: `chat send 7788 hi` gets `hello, 127.0.0.1!`, from a folder with no config.
  it("prints the guide bot's answer every time, from an empty folder", { timeout: 180_000 }, async () => {
    const server = startChat([
      'serve',
      '--config',
      join(root, 'test/fixtures/guide-hello/chat.config.ts'),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--json',
    ])
    const port = await server.port()
    const cwd = emptyFolder()
    const runs = 20
    const outcomes: string[] = []
    for (let batch = 0; batch < runs; batch += 4) {
      const exits = await Promise.all(
        Array.from({ length: Math.min(4, runs - batch) }, () =>
          runChat(['send', String(port), 'hi', '--wait', '10000', '--count', '1'], { cwd }),
        ),
      )
      for (const exit of exits) outcomes.push(`${exit.code} ${exit.stdout.trim().replace(/^\d\d:\d\d:\d\d /, '')}`)
    }
    expect(outcomes).toEqual(Array(runs).fill(`0 127.0.0.1:${port}: hello, 127.0.0.1!`))
  })

  it('prints every answer that comes within the wait, then exits 0', async () => {
    const device = await peer()
    const sending = runChat(['send', String(device.port), 'status?', '--wait', '3000', '--json'], {
      cwd: emptyFolder(),
    })
    const asked = await device.next(10_000)
    expect(asked.data.toString()).toBe('status?')
    await device.send('one', asked.from.port)
    await device.send('two', asked.from.port)
    const exit = await sending
    expect(exit.code).toBe(0)
    expect(messages(exit.stdout).map((m) => m.text)).toEqual(['one', 'two'])
  })

  it('--count stops as soon as N answers came', async () => {
    const device = await peer()
    const began = Date.now()
    const sending = runChat(['send', String(device.port), 'ping', '--wait', '60000', '--count', '2', '--json'], {
      cwd: emptyFolder(),
    })
    const asked = await device.next(10_000)
    for (const text of ['a', 'b']) await device.send(text, asked.from.port)
    const exit = await sending
    expect(exit.code).toBe(0)
    expect(messages(exit.stdout).map((m) => m.text)).toEqual(['a', 'b'])
    expect(Date.now() - began).toBeLessThan(60_000)
  })

  it('--count exits 1 with one line when fewer answers came within --wait', async () => {
    const silent = await peer()
    const exit = await runChat(['send', String(silent.port), 'anyone?', '--wait', '300', '--count', '1'], {
      cwd: emptyFolder(),
    })
    expect(exit.code).toBe(1)
    expect(exit.stderr).toMatch(/^error got 0 of 1 answer within 300 ms$/m)
  })

  it('rejects a --wait that is not a number of milliseconds (exit 2)', async () => {
    const exit = await runChat(['send', '9', 'x', '--wait', 'soon'], { cwd: emptyFolder() })
    expect(exit).toMatchObject({
      code: 2,
      stderr: 'chat: Expected --wait to be a whole number of milliseconds, got `soon`',
    })
  })
})

describe('chat send --eol, --repeat', () => {
  it('--eol crlf puts \\r\\n on the wire (a Python socket reads it); the default adds nothing', async () => {
    const receiver = pythonReceiver(2)
    const port = await receiver.port
    expect((await runChat(['send', String(port), 'AT', '--eol', 'crlf'], { cwd: emptyFolder() })).code).toBe(0)
    expect((await runChat(['send', String(port), 'AT'], { cwd: emptyFolder() })).code).toBe(0)
    expect(await receiver.datagrams).toEqual([Buffer.from('AT\r\n').toString('hex'), Buffer.from('AT').toString('hex')])
  })

  it('--eol lf ends each stdin line with \\n', async () => {
    const device = await peer()
    expect(
      (await runChat(['send', String(device.port), '-', '--eol', 'lf'], { input: 'one\ntwo\n', cwd: emptyFolder() }))
        .code,
    ).toBe(0)
    expect([(await device.next()).data.toString(), (await device.next()).data.toString()]).toEqual(['one\n', 'two\n'])
  })

  it('rejects an unknown --eol (exit 2)', async () => {
    const exit = await runChat(['send', '9', 'x', '--eol', 'cr'], { cwd: emptyFolder() })
    expect(exit).toMatchObject({ code: 2, stderr: 'chat: Expected --eol to be lf, crlf or none, got `cr`' })
  })

  it('--repeat N --every MS sends N numbered datagrams', async () => {
    const device = await peer()
    const exit = await runChat(['send', String(device.port), 'tick {seq}', '--repeat', '3', '--every', '20'], {
      cwd: emptyFolder(),
    })
    expect(exit.code).toBe(0)
    const got = [await device.next(), await device.next(), await device.next()].map((r) => r.data.toString())
    expect(got).toEqual(['tick 1', 'tick 2', 'tick 3'])
  })
})

describe('chat listen: line endings', () => {
  it('shows `hi\\n` from netcat as one line; --json keeps the \\n', async () => {
    const plain = startChat(['listen', '--once', '--host', '127.0.0.1', '--port', '0'], { cwd: emptyFolder() })
    const port = Number((await plain.waitFor(/^listening on/, { stream: 'stderr' })).match(/:(\d+)/)![1])
    const json = startChat(['listen', '--once', '--host', '127.0.0.1', '--port', '0', '--json'], { cwd: emptyFolder() })
    const jsonPort = await json.port()
    const nc = await peer()
    await nc.send('hi\r\n', port)
    await nc.send('hi\n', jsonPort)
    const exit = await plain.exited
    expect(exit.stdout).toMatch(/^\d\d:\d\d:\d\d 127\.0\.0\.1:\d+: hi$/)
    expect(messages((await json.exited).stdout)[0]).toMatchObject({ text: 'hi\n', bytes: 3 })
  })
})
