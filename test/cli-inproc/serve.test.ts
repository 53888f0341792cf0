import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root, tempDir } from '../helpers/chat-process.ts'
import { local, runInProc, startInProc, usePeers, writeConfig } from '../helpers/inproc.ts'

const peer = usePeers()
/** The port in `listening on 127.0.0.1:PORT ...`. */
const portOf = (line: string) => Number(/127\.0\.0\.1:(\d+)/.exec(line)![1])
const fixture = (name: string) => join(root, 'test/fixtures', name, 'chat.config.ts')
const ECHO = `import { uppercaseEcho } from '@/plugins/index.ts'\nexport default { plugins: [uppercaseEcho()] }`
/** Drops what it receives with "spam" in it, and what is sent through it with "secret". */
const FILTER = `import { drop } from '@/core/index.ts'
export default { plugins: [{
  name: 'filter',
  inbound: (m) => (m.text.includes('spam') ? drop('spam') : m),
  outbound: (m) => (m.text.includes('secret') ? drop('no secrets') : m),
}] }`

describe('chat serve, in process', () => {
  it("runs the config's plugins without printing messages, says where and with what, stops on SIGTERM", async () => {
    const config = writeConfig(ECHO)
    const server = startInProc(['serve', '-c', config, ...local])
    const said = await server.waitFor(/^listening on /, { stream: 'stderr' })
    const port = Number(/:(\d+) /.exec(said)![1])
    expect(said).toBe(`listening on 127.0.0.1:${port} with ${config} (plugins: uppercaseEcho)`)
    const alice = await peer()
    await alice.send('hi', port)
    expect((await alice.next()).data.toString()).toBe('HI')
    server.kill('SIGTERM')
    const exit = await server.exited
    expect(exit).toEqual({ code: 0, stdout: '', stderr: `${said}\nSIGTERM: stopping\n` })
  })

  it.each([
    ['schedule', `schedule({ to: 'lobby', text: 'x', every: 100 })`],
    ['heartbeat', `heartbeat({ to: 'lobby' })`],
  ])(
    'stops at the start with one line and exit 2 when %s names an unknown target (and says no goodbye)',
    async (name, call) => {
      const config = writeConfig(`import { ${name} } from '@/plugins/index.ts'\nexport default { plugins: [${call}] }`)
      const exit = await runInProc(['serve', '-c', config, ...local])
      expect(exit.stderr).toBe(
        `chat: Plugin "${name}" failed to start: Unknown target \`lobby\`: expected a contact name or HOST:PORT\n`,
      )
      expect(exit.code).toBe(2)
    },
  )

  it('--verbose prints messages and each send with the plugin that made it', async () => {
    const server = startInProc(['serve', '-c', writeConfig(ECHO), ...local, '--verbose'])
    const port = portOf(await server.waitFor(/^listening on /, { stream: 'stderr' }))
    const alice = await peer()
    await alice.send('hi', port)
    await alice.next()
    await server.waitFor(new RegExp(`^debug sent 2 bytes to 127\\.0\\.0\\.1:${alice.port} \\(by uppercaseEcho\\)$`), {
      stream: 'stderr',
    })
    expect(server.stdout[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d 127\\.0\\.0\\.1:${alice.port}: hi$`))
    server.kill('SIGINT')
    expect((await server.exited).code).toBe(0)
  })

  it('--json: message, sent (naming the plugin) and drop events', async () => {
    const config = writeConfig(
      `import { uppercaseEcho } from '@/plugins/index.ts'\n${FILTER.replace('}] }', '}, uppercaseEcho()] }')}`,
    )
    const server = startInProc(['serve', '-c', config, ...local, '--json'])
    expect(await server.event('listening')).toMatchObject({ plugins: ['filter', 'uppercaseEcho'] })
    const port = await server.port()
    const alice = await peer()
    const from = `127.0.0.1:${alice.port}`
    await alice.send('spam', port)
    expect(await server.event('drop')).toEqual({
      event: 'drop',
      plugin: 'filter',
      reason: 'spam',
      direction: 'inbound',
      peer: from,
      text: 'spam',
    })
    await alice.send('ok', port)
    expect((await alice.next()).data.toString()).toBe('OK')
    expect(await server.event('sent')).toEqual({
      event: 'sent',
      to: from,
      peer: null,
      text: 'OK',
      bytes: 2,
      plugin: 'uppercaseEcho',
    })
    expect((await server.event('message', (m) => m.text === 'ok')).from).toBe(from)
    server.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  })

  it('--verbose without --json says what was dropped, and which way', async () => {
    const server = startInProc(['serve', '-c', writeConfig(FILTER), ...local, '--verbose'])
    const port = portOf(await server.waitFor(/^listening on /, { stream: 'stderr' }))
    const alice = await peer()
    await alice.send('spam', port)
    await server.waitFor(`debug filter dropped a message from 127.0.0.1:${alice.port}: spam`, { stream: 'stderr' })
    server.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  })

  it('--json: an error event names the code, plugin, hook and peer; the log line too', async () => {
    const server = startInProc(['serve', '-c', fixture('throwing-plugin'), '--json'])
    const port = await server.port()
    const alice = await peer()
    await alice.send('x', port)
    expect(await server.event('error')).toEqual({
      event: 'error',
      code: 'E_PLUGIN',
      message: 'broken on purpose',
      plugin: 'broken',
      hook: 'inbound',
      peer: `127.0.0.1:${alice.port}`,
    })
    await server.waitFor(/^error .*broken.*broken on purpose/, { stream: 'stderr' })
    server.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  })

  it('--trace prints each hook a message passed, as JSON or as aligned lines on stderr', async () => {
    const server = startInProc(['serve', '-c', writeConfig(ECHO), ...local, '--trace', '--json'])
    const port = await server.port()
    const alice = await peer()
    await alice.send('hi', port)
    const inbound = await server.event('trace')
    expect(inbound).toMatchObject({ direction: 'inbound', peer: `127.0.0.1:${alice.port}`, text: 'hi' })
    expect(inbound.steps[0]).toMatchObject({ plugin: 'uppercaseEcho', hook: 'inbound', ms: expect.any(Number) })
    server.kill('SIGTERM')
    await server.exited
    const text = startInProc(['serve', '-c', writeConfig(ECHO), ...local, '--trace'])
    const textPort = portOf(await text.waitFor(/^listening on /, { stream: 'stderr' }))
    await alice.send('yo', textPort)
    await alice.next()
    const head = await text.waitFor(/^trace <- /, { stream: 'stderr' })
    expect(head).toMatch(new RegExp(`^trace <- 127\\.0\\.0\\.1:${alice.port} "yo": `))
    expect(await text.waitFor(/^ {2}uppercaseEcho {2}inbound {2}/, { stream: 'stderr' })).toMatch(/\d\.\d{3} ms$/)
    expect(await text.waitFor(/^trace -> /, { stream: 'stderr' })).toMatch(/"YO": sent( \(no hooks\))?$/)
    text.kill('SIGTERM')
    expect((await text.exited).code).toBe(0)
  })

  it('exits 1 with one line naming the plugin when its setup fails', async () => {
    const exit = await runInProc(['serve', '-c', fixture('setup-fails')])
    expect(exit.code).toBe(1)
    expect(exit.stdout).toBe('')
    expect(exit.stderr.trim().split('\n')).toHaveLength(1)
    expect(exit.stderr).toMatch(/^chat: .*vault.*no key in VAULT_KEY\n$/)
  })

  it('finds chat.config.ts in its folder, and writes a transcript where the config says', async () => {
    const dir = tempDir('udpchat-inproc-transcript-')
    const file = join(dir, 'transcript.jsonl')
    const config = writeConfig(
      `import { logger, uppercaseEcho } from '@/plugins/index.ts'\n` +
        `export default { plugins: [logger({ file: ${JSON.stringify(file)} }), uppercaseEcho()] }`,
    )
    const server = startInProc(['serve', ...local, '--json'], { cwd: join(config, '..') })
    expect(await server.event('listening')).toMatchObject({ plugins: ['logger', 'uppercaseEcho'] })
    const port = await server.port()
    const alice = await peer()
    await alice.send('hi', port)
    expect((await alice.next()).data.toString()).toBe('HI')
    server.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => [l.dir, l.text])).toEqual([
      ['in', 'hi'],
      ['out', 'HI'],
    ])
  })
})

describe('chat plugins, in process', () => {
  it('lists the plugins in the order they run, with hooks and options', async () => {
    const config = writeConfig(
      `import { codec, uppercaseEcho } from '@/plugins/index.ts'\nexport default { plugins: [uppercaseEcho(), codec('gbk')] }`,
    )
    const exit = await runInProc(['plugins', '-c', config])
    expect(exit.code).toBe(0)
    const lines = exit.stdout.split('\n')
    expect(lines[0]).toBe(`2 plugins (${config}), in the order they run:`)
    expect(lines[1]).toBe("  1. codec (pre)    decode, encode  'gbk'")
    expect(lines[2]).toBe('  2. uppercaseEcho  inbound')
    expect(lines.slice(3)).toEqual([''])
  })

  it('one plugin: no plural; none: says so; --json: one object per plugin', async () => {
    const one = await runInProc(['plugins', '-c', writeConfig(ECHO)])
    expect(one.stdout).toMatch(/^1 plugin \(/)
    const none = await runInProc(['plugins', '-c', writeConfig('export default {}')])
    expect(none.stdout).toMatch(/^no plugins \(.*chat\.config\.ts\)\n$/)
    const empty = await runInProc(['plugins'])
    expect(empty).toEqual({ code: 0, stdout: 'no plugins\n', stderr: '' })
    const json = await runInProc([
      'plugins',
      '-c',
      writeConfig(
        ECHO.replace('uppercaseEcho()]', 'uppercaseEcho(), { name: "re", options: { match: /a+/, fn() {} } }]'),
      ),
      '--json',
    ])
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toMatchObject([
      { event: 'plugin', name: 'uppercaseEcho' },
      { event: 'plugin', name: 're', options: { match: '/a+/', fn: '[function fn]' } },
    ])
  })
})
