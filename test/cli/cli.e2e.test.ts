import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { afterEach, describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { root, runChat, runtime, startChat, stopAll, tempDir } from '../helpers/chat-process.ts'
import { twoPeersTalkBothWays } from '../helpers/scenarios.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const local = ['--host', '127.0.0.1', '--port', '0', '--json']
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

/** Runs python3 with a script, the way the tutorials talk UDP: its first line, and all it printed. */
function python(script: string): { firstLine: Promise<string>; done: Promise<string> } {
  const child = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  let first!: (line: string) => void
  const firstLine = new Promise<string>((resolve) => (first = resolve))
  child.stdout.on('data', (d: Buffer) => {
    out += d
    if (out.includes('\n')) first(out.slice(0, out.indexOf('\n')))
  })
  child.stderr.on('data', (d: Buffer) => (err += d))
  const done = new Promise<string>((resolve, reject) => {
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`python3 exited ${code}: ${err}`)),
    )
  })
  return { firstLine, done }
}

describe('chat --version and --help', () => {
  it('prints the version', async () => {
    const exit = await runChat(['--version'])
    expect(exit).toMatchObject({ code: 0, stdout: pkg.version })
  })

  it.each([[[]], [['send']], [['listen']], [['serve']]])('prints usage for %j', async (command) => {
    const exit = await runChat([...command, '--help'])
    expect(exit.code).toBe(0)
    expect(exit.stdout).toMatch(/^(chat \S+: a scriptable UDP chat|Usage: chat)/)
    expect(exit.stdout).toContain('--config FILE')
  })

  it('exits 2 on an unknown flag, naming it', async () => {
    const exit = await runChat(['listen', '--bogus'])
    expect(exit.code).toBe(2)
    expect(exit.stderr).toContain('Unknown option `--bogus`')
  })

  it.each([
    [['listen', '--port', '-1'], 'chat: Expected --port to be an integer 0-65535, got `-1`'],
    [['--host', '', 'listen'], 'chat: Expected --host to be an address, got nothing'],
    [['send', '127.0.0.1:0', 'hi'], "chat: Cannot send to `127.0.0.1:0`: a target's port is 1-65535"],
    [['lisen', '--once'], 'chat: Unknown command `lisen`; did you mean `listen`? (chat --help lists the commands)'],
  ])('%j: one line on stderr, exit 2', async (args, line) => {
    const exit = await runChat(args)
    expect(exit).toMatchObject({ code: 2, stdout: '', stderr: line })
  })

  it('colours through a pipe with FORCE_COLOR, and not with NO_COLOR or FORCE_COLOR=0', async () => {
    const config = ['--config', 'test/fixtures/relay/chat.config.ts', 'plugins']
    const forced = await runChat(config, { env: { NO_COLOR: '', FORCE_COLOR: '1' } })
    expect(forced.stdout).toContain('\x1b[2m')
    for (const env of [
      { NO_COLOR: '', FORCE_COLOR: '0' },
      { NO_COLOR: '1', FORCE_COLOR: '1' },
      { NO_COLOR: '', FORCE_COLOR: '' },
    ]) {
      expect((await runChat(config, { env })).stdout).not.toContain('\x1b[')
    }
  })

  it('takes options before the command', async () => {
    const exit = await runChat(['--config', 'test/fixtures/relay/chat.config.ts', '--json', 'plugins'])
    expect(exit.code).toBe(0)
    expect(JSON.parse(exit.stdout.split('\n')[0]!)).toMatchObject({ event: 'plugin' })
  })
})

describe('chat send and chat listen', () => {
  it('delivers one datagram from send to listen --once, as JSON', async () => {
    const listener = startChat(['listen', '--once', ...local])
    const port = await listener.port()
    const sent = await runChat(['send', `127.0.0.1:${port}`, 'hello', 'there'])
    expect(sent.code).toBe(0)
    expect(sent.stderr).toMatch(/^sent 11 bytes to 127\.0\.0\.1:\d+$/m)
    const exit = await listener.exited
    expect(exit.code).toBe(0)
    const message = JSON.parse(exit.stdout.split('\n')[1]!)
    expect(message).toMatchObject({
      event: 'message',
      peer: null,
      text: 'hello there',
      bytes: 11,
      encoding: 'utf-8',
      malformed: false,
    })
    expect(message.from).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(new Date(message.at).getTime()).not.toBeNaN()
  })

  // `chat listen --json | head -1`: the reader goes away; listen ends quietly, as cat does.
  it('listen ends with 0 and says nothing when the reader of its output goes away', async () => {
    const listener = startChat(['listen', ...local])
    const port = await listener.port()
    listener.child.stdout.destroy()
    const alice = await peer()
    // Datagrams until a write meets the closed pipe (the first may still fit in the pipe's buffer).
    const sending = setInterval(() => void alice.send('hello', port), 50)
    const exit = await listener.exited.finally(() => clearInterval(sending))
    expect(exit.code).toBe(0)
    expect(exit.stderr.split('\n').filter((line) => line && !line.startsWith('listening on '))).toEqual([])
  })

  it('sends one datagram per stdin line with `-`', async () => {
    const listener = startChat(['listen', '--count', '3', ...local])
    const port = await listener.port()
    expect((await runChat(['send', String(port), '-'], { input: 'one\ntwo\nthree\n' })).code).toBe(0)
    const exit = await listener.exited
    const texts = exit.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((e) => e.event === 'message')
      .map((e) => e.text)
    expect(texts).toEqual(['one', 'two', 'three'])
  })

  it('listen --count 3 prints the third datagram, then exits 0 without waiting for a fourth', async () => {
    const listener = startChat(['listen', '--count', '3', ...local])
    const port = await listener.port()
    const alice = await peer()
    // One at a time: stopping after two would miss the third, not stopping would never exit.
    for (const text of ['one', 'two', 'three']) {
      await alice.send(text, port)
      expect(await listener.event('message')).toMatchObject({ text })
    }
    expect((await listener.exited).code).toBe(0)
  })

  it('prints plain lines without --json', async () => {
    const listener = startChat(['listen', '--once', '--host', '127.0.0.1', '--port', '0'])
    const port = Number((await listener.waitFor(/^listening on/, { stream: 'stderr' })).match(/:(\d+)/)![1])
    await runChat(['send', String(port), 'plain'])
    expect(await listener.waitFor(/plain/)).toMatch(/^\d\d:\d\d:\d\d 127\.0\.0\.1:\d+: plain$/)
  })

  it('sends gbk bytes that a strict Python gbk decoder reads', async () => {
    const receiver = python(
      `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('127.0.0.1',0))\nprint(s.getsockname()[1],flush=True)\ns.settimeout(10)\nd,a=s.recvfrom(2048)\nprint(d.decode('gbk','strict'))`,
    )
    const port = await receiver.firstLine
    expect((await runChat(['send', '--encoding', 'gbk', `127.0.0.1:${port}`, '你好，世界'])).code).toBe(0)
    expect((await receiver.done).split('\n')[1]).toBe('你好，世界')
  })

  it('shows gbk bytes sent by a Python script with --encoding gbk', async () => {
    const listener = startChat(['listen', '--once', '--encoding', 'gbk', ...local])
    // --encoding replaces the codec of the root chat.config.ts instead of adding a second one.
    expect((await listener.event('listening')).plugins).toEqual(['codec', 'logger'])
    const port = await listener.port()
    await python(
      `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.sendto('你好，世界'.encode('gbk'),('127.0.0.1',${port}))`,
    ).done
    expect(await listener.event('message')).toMatchObject({
      text: '你好，世界',
      bytes: 10,
      encoding: 'gbk',
      malformed: false,
    })
  })

  it('flags bytes that do not decode instead of failing', async () => {
    const listener = startChat(['listen', '--once', '--encoding', 'gbk', ...local])
    const port = await listener.port()
    const alice = await peer()
    await alice.send(Buffer.from([0xc4, 0xe3, 0xff]), port)
    expect(await listener.event('message')).toMatchObject({ text: '你\uFFFD', malformed: true })
    expect((await listener.exited).code).toBe(0)
  })

  it('exits 1 when the port is in use, naming the address and port', async () => {
    const taken = await peer()
    const exit = await runChat(['listen', '--host', '127.0.0.1', '--port', String(taken.port)])
    expect(exit.code).toBe(1)
    expect(exit.stderr.trim()).toBe(
      `chat: Port ${taken.port} on 127.0.0.1 is already in use (127.0.0.1:${taken.port}); choose another with --port, or --port 0 for any free port`,
    )
  })

  it('exits 2 for a target that is neither a contact nor HOST:PORT', async () => {
    const exit = await runChat(['send', 'nobody', 'hi'], { cwd: mkdtempSync(join(tmpdir(), 'udpchat-')) })
    expect(exit.code).toBe(2)
    expect(exit.stderr.trim()).toBe('chat: Unknown target `nobody`: expected a contact name or HOST:PORT')
    const withContacts = await runChat(['send', 'nobody', 'hi'])
    expect(withContacts.stderr.trim()).toBe(
      'chat: Unknown target `nobody`: expected a contact name or HOST:PORT; contacts: me',
    )
  })

  it('exits 1 with one line when the text is too large for a datagram', async () => {
    const alice = await peer()
    const exit = await runChat(['send', String(alice.port), 'x'.repeat(65_508)])
    expect(exit.code).toBe(1)
    expect(exit.stderr.trim()).toBe(
      `error Not sent to 127.0.0.1:${alice.port}: 65508 bytes is more than one UDP datagram can carry (65507)`,
    )
  })
})

describe('chat (full duplex, piped stdin)', () => {
  it('lets two peers talk both ways', async () => {
    await twoPeersTalkBothWays()
  })

  it('says in one line why a line was not sent when the socket fails the send, and exits 1', async () => {
    // An IPv4 socket cannot send to ::1: the runtime's socket refuses it (no datagram leaves the machine).
    const exit = await runChat(['--host', '127.0.0.1', '--port', '0', '--to', '[::1]:9'], { input: 'one\n' })
    const said = exit.stderr.split('\n').filter((line) => line && !line.startsWith('listening on '))
    expect(said).toEqual([
      'error Not sent to [::1]:9: this socket cannot reach that address family (bind with --host :: for IPv6)',
      'error 1 line of stdin not sent (said above)',
    ])
    expect(exit.code).toBe(1)
  })

  // docs/runtimes.md: Node's and Deno's unconnected sockets hear nothing of a closed port; Bun's
  // fails the send after an ICMP report, and its socket error queue, which repeats it, is ignored.
  it('goes on to the end when its peer has vanished, with at most one line per send that failed', async () => {
    const gone = await plainSocket()
    await gone.close()
    const exit = await runChat(['--host', '127.0.0.1', '--port', '0', '--to', `127.0.0.1:${gone.port}`], {
      input: 'one\ntwo\nthree\n',
    })
    const said = exit.stderr.split('\n').filter((line) => line && !line.startsWith('listening on '))
    const refused = said.filter((line) => line === `error Nobody is listening at 127.0.0.1:${gone.port} (ECONNREFUSED)`)
    if (runtime !== 'bun' || refused.length === 0) {
      expect(said).toEqual([])
      expect(exit.code).toBe(0)
      return
    }
    const unsent = refused.length === 1 ? '1 line of stdin not sent' : `${refused.length} lines of stdin not sent`
    expect(said).toEqual([...refused, `error ${unsent} (said above)`])
    expect(exit.code).toBe(1)
  })
})

describe('chat serve', () => {
  // Deno's receive loop reads into one buffer: each datagram must be copied out of it, or a hook
  // that reads its bytes after an await sees the next datagram's.
  it("gives each datagram bytes of its own: a hook reading them after an await sees its datagram's", async () => {
    const cwd = tempDir()
    writeFileSync(
      join(cwd, 'chat.config.ts'),
      `import { defineConfig, definePlugin, toHex } from '${root}core/index.ts'
const later = definePlugin({
  name: 'later',
  async inbound(message, ctx) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    ctx.reply(message, toHex(message.bytes))
  },
})
export default defineConfig({ host: '127.0.0.1', port: 0, plugins: [later] })
`,
    )
    const server = startChat(['serve', '--json'], { cwd })
    const port = await server.port()
    const alice = await peer()
    await alice.send('aaa', port)
    await alice.send('bbb', port)
    const answers = [(await alice.next()).data.toString(), (await alice.next()).data.toString()]
    expect(answers.sort()).toEqual(['61 61 61', '62 62 62'])
  })

  it('keeps answering while one plugin throws on every message, naming that plugin', async () => {
    const server = startChat(['serve', '--config', 'test/fixtures/throwing-plugin/chat.config.ts', '--json'])
    const port = await server.port()
    const alice = await peer()
    await alice.send('hi', port)
    expect((await alice.next()).data.toString()).toBe('[SEEN] HI')
    expect(await server.event('error')).toMatchObject({
      plugin: 'broken',
      hook: 'inbound',
      message: 'broken on purpose',
    })
    await alice.send('again', port)
    expect((await alice.next()).data.toString()).toBe('[SEEN] AGAIN')
  })

  it("answers gbk in gbk with --encoding over the config's codec, and flushes the transcript on SIGTERM", async () => {
    const cwd = tempDir()
    const config = join(root, 'test/fixtures/transcript/chat.config.ts')
    const server = startChat(['serve', '--config', config, '--encoding', 'gbk', '--json'], { cwd })
    const port = await server.port()
    const alice = await peer()
    await alice.send(iconv.encode('ping 你好', 'gbk'), port)
    expect((await alice.next()).data.toString('hex')).toBe(iconv.encode('PING 你好', 'gbk').toString('hex'))
    // --json hears every datagram: serve asks the chat for these events only then.
    expect(await server.event('message')).toMatchObject({ text: 'ping 你好', bytes: 9, encoding: 'gbk' })
    expect(await server.event('sent')).toMatchObject({ text: 'PING 你好', bytes: 9, plugin: 'uppercaseEcho' })
    server.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
    const lines = readFileSync(join(cwd, 'transcript.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toMatchObject([
      { dir: 'in', from: `127.0.0.1:${alice.port}`, text: 'ping 你好', bytes: 9, encoding: 'gbk' },
      { dir: 'out', to: `127.0.0.1:${alice.port}`, text: 'PING 你好' },
    ])
    expect(lines).toHaveLength(2)
  })
})
