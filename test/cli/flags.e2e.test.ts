import { afterEach, describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { root, runChat, startChat, stopAll } from '../helpers/chat-process.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket } from '../helpers/udp.ts'

// What the README promises about the command line, each through the real `chat`.
afterEach(stopAll)

const fixture = (name: string) => `${root}test/fixtures/${name}/chat.config.ts`
const local = ['--host', '127.0.0.1', '--port', '0']
const peer = async () => closeAfterTest(await plainSocket())

describe('--quiet and --verbose', () => {
  it('-q shows messages and errors, not the info and warning lines', async () => {
    const relay = await peer()
    // The relay fixture makes join warn (it leaves the config's relay out); a line too large for
    // a datagram is an error.
    const input = `${'x'.repeat(70_000)}\n`
    const exit = await runChat(
      ['join', `127.0.0.1:${relay.port}`, '-q', '--linger', '0', '-c', fixture('relay'), ...local],
      { input },
    )
    expect(exit.code).toBe(0)
    expect(exit.stderr).toMatch(/^error Not sent to 127\.0\.0\.1:\d+: /)
    expect(exit.stderr).not.toMatch(/leaving out|joined|listening/)
    expect(exit.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('without -q the same session shows the warning and the info lines', async () => {
    const relay = await peer()
    const exit = await runChat(['join', `127.0.0.1:${relay.port}`, '--linger', '0', '-c', fixture('relay'), ...local], {
      input: '',
    })
    expect(exit.code).toBe(0)
    expect(exit.stderr).toMatch(/leaving out the config's relay plugin/)
    expect(exit.stderr).toMatch(/joined 127\.0\.0\.1:\d+/)
  })

  it('--verbose says what was sent, by which plugin; without it, nothing', async () => {
    for (const verbose of [true, false]) {
      const server = startChat([
        'serve',
        '-c',
        `${root}examples/echo.config.ts`,
        ...local,
        ...(verbose ? ['--verbose'] : []),
      ])
      const port = Number((await server.waitFor(/listening on/, { stream: 'stderr' })).match(/:(\d+)/)![1])
      const alice = await peer()
      await alice.send('hi', port)
      expect((await alice.next()).data.toString()).toBe('HI')
      if (verbose) {
        expect(await server.waitFor(/sent 2 bytes/, { stream: 'stderr' })).toMatch(
          `sent 2 bytes to 127.0.0.1:${alice.port} (by uppercaseEcho)`,
        )
      }
      server.kill('SIGTERM')
      const exit = await server.exited
      expect(exit.code).toBe(0)
      if (!verbose) expect(exit.stderr).not.toMatch(/sent \d+ bytes/)
    }
  })
})

describe('--linger', () => {
  // The default is 500 ms: a datagram sent 2 s after stdin ended reaches only a chat that lingers.
  const later = () => new Promise((resolve) => setTimeout(resolve, 2000))

  it.each([['chat'], ['join']])(
    '%s --linger MS keeps receiving after piped stdin ends; SIGTERM ends the wait',
    async (command) => {
      const alice = await peer()
      const args = command === 'chat' ? ['--to', `127.0.0.1:${alice.port}`] : ['join', `127.0.0.1:${alice.port}`]
      const chat = startChat([...args, '--linger', '60000', '--json', ...local])
      await chat.event('listening')
      chat.write('hello')
      const first = await alice.next()
      expect(first.data.toString()).toMatch(/hello|\^hb\^/)
      chat.end()
      await later()
      await alice.send('late reply', first.from.port)
      expect(await chat.event('message', { match: (e) => e.text === 'late reply' })).toMatchObject({
        text: 'late reply',
      })
      chat.kill('SIGTERM')
      expect((await chat.exited).code).toBe(0)
    },
  )
})

describe('short flags', () => {
  it('listen -n 2 -e gbk -p 0 -c FILE: two gbk messages, then exit 0', async () => {
    const listener = startChat([
      'listen',
      '-n',
      '2',
      '-e',
      'gbk',
      '-p',
      '0',
      '-c',
      fixture('transcript'),
      '--host',
      '127.0.0.1',
      '--json',
    ])
    const listening = await listener.event('listening')
    expect(listening.plugins).toContain('uppercaseEcho')
    const alice = await peer()
    for (let i = 0; i < 2; i++) {
      await alice.send(Buffer.from('c4e3bac3', 'hex'), listening.port)
      expect(await listener.event('message')).toMatchObject({ text: '你好', encoding: 'gbk' })
    }
    expect((await listener.exited).code).toBe(0)
  })

  it('chat -t TARGET sends typed lines there; join -i S beats every S seconds', { timeout: 40_000 }, async () => {
    const alice = await peer()
    const chat = startChat(['-t', `127.0.0.1:${alice.port}`, '-q', ...local])
    chat.write('to alice')
    // The first datagram waits for a start too, which takes seconds on a busy machine.
    expect((await alice.next(15_000)).data.toString()).toBe('to alice')
    const relay = await peer()
    const join = startChat(['join', `127.0.0.1:${relay.port}`, '-i', '0.2', ...local])
    expect((await relay.next(15_000)).data.toString()).toBe('^hb^')
    for (let beats = 0; beats < 2; beats++) expect((await relay.next()).data.toString()).toBe('^hb^')
    join.kill('SIGTERM')
    expect((await relay.next()).data.toString()).toBe('quit')
  })

  it('-v prints the version, -h the help of the command', async () => {
    expect(await runChat(['-v'])).toMatchObject({ code: 0, stdout: pkg.version })
    const help = await runChat(['listen', '-h'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: chat listen/)
  })
})

describe('exit codes', () => {
  it('exits 2 with one line and no stack trace for a usage error', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /Unknown command/i],
      [['send'], /Missing|needs|Expected/i],
      [['join'], /Missing TARGET/],
      [['listen', '--count', '0'], /--count/],
      [['listen', '--count', 'many'], /--count/],
      [['join', '127.0.0.1:9', '--interval', '-1'], /--interval/],
      [['listen', '--port', '70000'], /--port/],
      [['listen', '--encoding', 'klingon'], /klingon/],
    ]
    // All at once: each is a start and an exit, and they do not share anything.
    const exits = await Promise.all(cases.map(([argv]) => runChat(argv)))
    exits.forEach((exit, i) => {
      const [argv, message] = cases[i]!
      const what = `chat ${argv.join(' ')}`
      expect(exit.code, what).toBe(2)
      expect(exit.stderr, what).toMatch(message)
      expect(exit.stderr, what).not.toMatch(/\n\s+at /)
      expect(exit.stderr.trim().split('\n'), what).toHaveLength(1)
    })
  })

  it('exits 1 with one line naming the plugin when a setup fails', async () => {
    const exit = await runChat(['serve', '-c', fixture('setup-fails')])
    expect(exit.code).toBe(1)
    expect(exit.stderr).toMatch(/vault.*no key in VAULT_KEY/)
    expect(exit.stderr).not.toMatch(/\n\s+at /)
  })

  it('a second signal while the plugins stop exits 130 at once', async () => {
    const server = startChat(['serve', '-c', fixture('slow-dispose'), '--json'])
    await server.event('listening')
    server.kill('SIGINT')
    await server.waitFor(/stopping slowly/, { stream: 'stderr' })
    server.kill('SIGINT')
    const exit = await server.exited
    expect(exit.code).toBe(130)
    expect(exit.stderr).toMatch(/SIGINT again/)
  })
})
