import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { checkoutDir, root, runChat, startChat, stopAll } from '../helpers/chat-process.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

// What differs between runtimes, each test naming the runtimes it starts (this file runs once, in the node project).
const runtimes = ['node', 'deno', 'bun'] as const
const sockets: PlainSocket[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

const bin = (name: string) => `${root}node_modules/.bin/${name}`

describe('the README commands', () => {
  it.each([
    ['node bin/chat.mjs', [process.execPath, ['bin/chat.mjs']]],
    ['deno task chat', [bin('deno'), ['task', '--quiet', 'chat']]],
    ['bun cli/bin.ts', [bin('bun'), ['cli/bin.ts']]],
  ] as const)(
    '`%s serve` runs the root chat.config.ts and stops cleanly on SIGINT',
    async (_name, [command, prefix]) => {
      const cwd = checkoutDir()
      const server = startChat(['serve', '--port', '0', '--json'], { command: [command, [...prefix]], cwd })
      const listening = await server.event('listening')
      expect(listening).toMatchObject({ host: '0.0.0.0', plugins: ['codec', 'logger'] })
      const alice = await plainSocket()
      sockets.push(alice)
      await alice.send('hello', listening.port)
      await server.event('message')
      server.kill('SIGINT')
      expect((await server.exited).code).toBe(0)
      // The config's logger wrote its transcript where the user ran the command, flushed on exit.
      expect(readFileSync(join(cwd, 'chat.jsonl'), 'utf8')).toContain('"hello"')
    },
  )
})

describe('the same answer on every runtime', () => {
  it.each(['bad-port', 'bad-encoding', 'bad-plugin-option', 'no-default', 'plugin-not-called'])(
    'a config error (%s) prints the same line and exits 2',
    async (fixture) => {
      const exits = await Promise.all(
        runtimes.map((runtime) =>
          runChat(['plugins', '--config', `test/fixtures/${fixture}/chat.config.ts`], { runtime }),
        ),
      )
      for (const exit of exits) expect(exit.code).toBe(2)
      expect(exits[0]!.stderr).toMatch(/^chat: test\/fixtures\/.*\/chat\.config\.ts: /)
      expect(exits.map((e) => e.stderr)).toEqual(runtimes.map(() => exits[0]!.stderr))
    },
  )

  it('a config with a syntax error names the file, line and column on every runtime, and exits 2', async () => {
    for (const runtime of runtimes) {
      const exit = await runChat(['plugins', '--config', 'test/fixtures/syntax-error/chat.config.ts'], { runtime })
      expect(exit.code, runtime).toBe(2)
      expect(exit.stderr, runtime).toMatch(
        /^chat: test\/fixtures\/syntax-error\/chat\.config\.ts: cannot load the config: \w+Error: .+ \(at \S+syntax-error\/chat\.config\.ts:4:\d+\)$/,
      )
    }
  })

  it('a port in use prints the same line and exits 1', async () => {
    const taken = await plainSocket()
    sockets.push(taken)
    const exits = await Promise.all(
      runtimes.map((runtime) => runChat(['listen', '--host', '127.0.0.1', '--port', String(taken.port)], { runtime })),
    )
    for (const exit of exits) expect(exit.code).toBe(1)
    expect(exits[0]!.stderr).toContain(`Port ${taken.port} on 127.0.0.1 is already in use`)
    expect(exits.map((e) => e.stderr)).toEqual(runtimes.map(() => exits[0]!.stderr))
  })

  it('a datagram too large for UDP prints the same line and exits 1', async () => {
    const exits = await Promise.all(
      runtimes.map((runtime) =>
        runChat(['send', '127.0.0.1:9', 'x'.repeat(65_508), '--host', '127.0.0.1', '--port', '0'], { runtime }),
      ),
    )
    for (const exit of exits) expect(exit.code).toBe(1)
    expect(exits[0]!.stderr).toContain('65508 bytes is more than one UDP datagram can carry')
    expect(exits.map((e) => e.stderr)).toEqual(runtimes.map(() => exits[0]!.stderr))
  })

  it('bytes that are not gbk become U+FFFD and are flagged malformed on every runtime', async () => {
    const alice = await plainSocket()
    sockets.push(alice)
    for (const runtime of runtimes) {
      const listener = startChat(
        ['listen', '--once', '--encoding', 'gbk', '--host', '127.0.0.1', '--port', '0', '--json'],
        { runtime },
      )
      await alice.send(Buffer.from([0xc4, 0xe3, 0xff, 0x41]), await listener.port())
      expect(await listener.event('message'), runtime).toMatchObject({ text: '你\uFFFDA', malformed: true, bytes: 4 })
      expect((await listener.exited).code).toBe(0)
    }
  })
})

describe('Deno without --unstable-net', () => {
  it('falls back to node:dgram and still chats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'udpchat-deno-'))
    writeFileSync(join(dir, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual', lock: false }))
    const permissions = ['--allow-net', '--allow-read', '--allow-env', '--allow-sys=networkInterfaces']
    const server = startChat(['serve', '--config', 'test/fixtures/gbk-echo/chat.config.ts', '--json'], {
      command: [bin('deno'), ['run', '--config', join(dir, 'deno.json'), ...permissions, `${root}cli/bin.ts`]],
    })
    const port = await server.port()
    const alice = await plainSocket()
    sockets.push(alice)
    await alice.send('hi', port)
    expect((await alice.next()).data.toString()).toBe('HI')
  })
})

describe('Deno without a permission chat needs', () => {
  // docs/runtimes.md: Deno's own message, naming the flag to add, in one line; not a crash.
  it.each([
    // Before anything runs (consola reads the terminal's variables as it loads): a usage problem.
    ['--allow-env', ['--allow-net', '--allow-read'], 'chat: Requires env access to "', 2],
    // At the bind, as any bind that fails.
    ['--allow-net', ['--allow-read', '--allow-env'], 'chat: Cannot bind 127.0.0.1:0: Requires net access', 1],
  ])('without %s: one line naming the flag', async (flag, granted, says, code) => {
    const dir = mkdtempSync(join(tmpdir(), 'udpchat-deno-'))
    writeFileSync(join(dir, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual', lock: false, unstable: ['net'] }))
    const exit = await runChat(['listen', '--host', '127.0.0.1', '--port', '0'], {
      command: [
        bin('deno'),
        ['run', '--no-prompt', '--config', join(dir, 'deno.json'), ...granted, `${root}cli/bin.ts`],
      ],
    })
    expect(exit.stderr.trim().split('\n')).toEqual([expect.stringMatching(`^${says}.*run again with the ${flag} flag`)])
    expect(exit.code).toBe(code)
  })
})

describe('serve --watch on Deno and Bun', () => {
  it.each(['deno', 'bun'] as const)(
    'on %s, an edit to a file the plugin imports is picked up; a broken edit keeps the old plugins',
    async (runtime) => {
      const dir = mkdtempSync(join(tmpdir(), 'udpchat-watch-'))
      const word = (text: string) => writeFileSync(join(dir, 'word.ts'), `export const word = ${text}\n`)
      word(`'one'`)
      writeFileSync(
        join(dir, 'shout.ts'),
        `import { definePlugin } from '${root}core/index.ts'
import { word } from './word.ts'
export const shout = () => definePlugin({ name: 'shout', inbound: (m, ctx) => ctx.reply(m, word + ':' + m.text + ':' + import.meta.url.endsWith('/shout.ts')) })
`,
      )
      writeFileSync(
        join(dir, 'chat.config.ts'),
        `import { defineConfig } from '${root}core/index.ts'
import { shout } from './shout.ts'
export default defineConfig({ host: '127.0.0.1', port: 0, plugins: [shout()] })
`,
      )
      const server = startChat(['serve', '--watch', '--json'], { runtime, cwd: dir })
      const port = await server.port()
      await server.event('watching')
      const alice = await plainSocket()
      sockets.push(alice)
      const ask = async (text: string) => (await alice.send(text, port), (await alice.next()).data.toString())
      expect(await ask('a')).toBe('one:a:true')

      word(`'two'`)
      expect(await server.event('reload')).toMatchObject({ ok: true })
      expect(await ask('b')).toBe('two:b:true')

      word(`'three',,`)
      const broken = await server.event('reload')
      expect(broken).toMatchObject({ ok: false, code: 'E_CONFIG' })
      expect(broken.message).toMatch(
        /^chat\.config\.ts: cannot load the config: SyntaxError: .+ \(at \S+word\.ts:1:\d+\); the old plugins keep running$/,
      )
      expect(await ask('c')).toBe('two:c:true')

      word(`'four'`)
      expect(await server.event('reload')).toMatchObject({ ok: true })
      expect(await ask('d')).toBe('four:d:true')
      server.kill('SIGINT')
      expect((await server.exited).code).toBe(0)
    },
  )
})
