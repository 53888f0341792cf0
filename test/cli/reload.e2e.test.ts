import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll } from '../helpers/chat-process.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket } from '../helpers/udp.ts'

describe('chat serve --watch', () => {
  afterEach(stopAll)

  /** A config in a temporary folder with a local plugin file, as a user would write one. */
  function project(suffix: string) {
    const dir = mkdtempSync(join(tmpdir(), 'udpchat-watch-'))
    const plugin = (s: string) => `import { definePlugin } from '${root}core/index.ts'
export const shout = () => definePlugin({ name: 'shout', inbound: (m, ctx) => ctx.reply(m, m.text.toUpperCase() + '${s}') })
`
    writeFileSync(join(dir, 'shout.ts'), plugin(suffix))
    const config = (extra = '') => `import { defineConfig } from '${root}core/index.ts'
import { uppercaseEcho } from '${root}plugins/index.ts'
import { shout } from './shout.ts'
// The test's member talks as fast as it is answered, past the default rate and answer budgets.
export default defineConfig({ limits: { perSource: false, answers: false }, plugins: [shout()${extra}] })
`
    writeFileSync(join(dir, 'chat.config.ts'), config())
    return {
      dir,
      editPlugin: (s: string) => writeFileSync(join(dir, 'shout.ts'), plugin(s)),
      editConfig: (extra: string) => writeFileSync(join(dir, 'chat.config.ts'), config(extra)),
      breakConfig: () => writeFileSync(join(dir, 'chat.config.ts'), config(', ,,(')),
    }
  }

  it('swaps plugins on each save, keeps the old ones on a broken save, and loses no datagram meanwhile', async () => {
    const p = project('!')
    const server = startChat(['serve', '--watch', '--json', '--host', '127.0.0.1', '--port', '0'], { cwd: p.dir })
    const port = await server.port()
    await server.event('watching')
    const alice = await plainSocket()
    const ask = async (text: string) => (await alice.send(text, port), (await alice.next(5000)).data.toString())
    expect(await ask('a')).toBe('A!')

    // A member that keeps talking through every reload: one datagram at a time, each answered.
    let talking = true
    let answered = 0
    const member = await plainSocket()
    // Each datagram waits for its own answer: while uppercaseEcho is added, every datagram gets two,
    // and taking the extra one as the next answer would double the datagrams in flight each round.
    const chatter = (async () => {
      for (let i = 0; talking; i++) {
        await member.send(`x${i}.`, port)
        while (!(await member.next(5000)).data.toString().toLowerCase().startsWith(`x${i}.`));
        answered++
      }
    })()

    p.editPlugin('?')
    expect(await server.event('reload')).toMatchObject({ ok: true, changed: ['shout'] })
    expect(await ask('b')).toBe('B?')

    p.editConfig(', uppercaseEcho()')
    const added = await server.event('reload')
    expect(added).toMatchObject({ ok: true, added: ['uppercaseEcho'], unchanged: ['shout'] })
    expect(typeof added.afterChangeMs).toBe('number')
    expect(added.loadMs).toBeGreaterThan(0)
    expect(added.swapMs).toBeGreaterThanOrEqual(0)
    expect(added.disposeErrors).toEqual([])
    await alice.send('c', port)
    expect([(await alice.next()).data.toString(), (await alice.next()).data.toString()].sort()).toEqual(['C', 'C?'])

    p.breakConfig()
    const broken = await server.event('reload')
    expect(broken).toMatchObject({ ok: false, code: 'E_CONFIG' })
    expect(broken.message).toMatch(/^chat.config.ts: cannot load the config: .*; the old plugins keep running$/)
    await alice.send('d', port)
    expect([(await alice.next()).data.toString(), (await alice.next()).data.toString()].sort()).toEqual(['D', 'D?'])

    p.editConfig('')
    expect(await server.event('reload')).toMatchObject({ ok: true, removed: ['uppercaseEcho'] })
    expect(await ask('e')).toBe('E?')

    talking = false
    await chatter
    expect(answered).toBeGreaterThan(0)
    await Promise.all([alice.close(), member.close()])
    server.kill('SIGINT')
    expect((await server.exited).code).toBe(0)
  })

  it('waits for a save that is not atomic (truncated, written 300 ms later): one reload, with the new code', async () => {
    const p = project('!')
    const server = startChat(['serve', '--watch', '--json', '--host', '127.0.0.1', '--port', '0'], { cwd: p.dir })
    const port = await server.port()
    await server.event('watching')
    // A writer stalled between its truncate and its write, as on a busy machine.
    writeFileSync(join(p.dir, 'shout.ts'), '')
    await new Promise((resolve) => setTimeout(resolve, 300))
    p.editPlugin('#')
    expect(await server.event('reload')).toMatchObject({ ok: true, changed: ['shout'] })
    const alice = closeAfterTest(await plainSocket())
    await alice.send('f', port)
    expect((await alice.next()).data.toString()).toBe('F#')
    server.kill('SIGINT')
    expect((await server.exited).code).toBe(0)
    expect(server.stdout.filter((line) => line.includes('"event":"reload"'))).toHaveLength(1)
  })

  it('/reload in the chat reloads by hand, and /plugins shows the plugins in effect', async () => {
    const p = project('!')
    const chat = startChat(['--json', '--host', '127.0.0.1', '--port', '0'], { cwd: p.dir })
    const port = await chat.port()
    p.editPlugin('?')
    chat.write('/reload')
    expect(await chat.event('reload')).toMatchObject({ ok: true, changed: ['shout'], afterChangeMs: null })
    chat.write('/plugins')
    expect(await chat.waitFor(/^ {2}1\. shout/)).toBe('  1. shout  inbound')
    const alice = await plainSocket()
    await alice.send('x', port)
    expect((await alice.next()).data.toString()).toBe('X?')
    await alice.close()
    chat.end()
    expect((await chat.exited).code).toBe(0)
  })

  it("keeps a relay's members through a format change, an added plugin, a broken save and its fix", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'udpchat-relay-'))
    const config = (body: string) =>
      writeFileSync(
        join(dir, 'chat.config.ts'),
        `import { defineConfig } from '${root}core/index.ts'
import { logger, relay } from '${root}plugins/index.ts'
export default defineConfig({ limits: { perSource: false }, plugins: [${body}] })
`,
      )
    config(`relay({ format: '{from}: {text}' })`)
    const server = startChat(['serve', '--watch', '--json', '--host', '127.0.0.1', '--port', '0'], { cwd: dir })
    const port = await server.port()
    await server.event('watching')
    const [alice, bob, carol] = await Promise.all([plainSocket(), plainSocket(), plainSocket()])
    for (const member of [alice, bob]) await member.send('^hb^', port)
    /** Alice says something; both members must get the broadcast. */
    const say = async (text: string) => {
      await alice.send(text, port)
      return Promise.all([alice.next(), bob.next()].map(async (r) => (await r).data.toString()))
    }
    expect(await say('one')).toEqual([`127.0.0.1:${alice.port}: one`, `127.0.0.1:${alice.port}: one`])

    // A third member talks the whole time, one datagram after its own broadcast came back.
    let talking = true
    let echoed = 0
    await carol.send('^hb^', port)
    const chatter = (async () => {
      while (talking) {
        await carol.send('.', port)
        // Its own line, in whichever format is in effect.
        for (
          let got = '';
          !(got.includes(`:${carol.port}`) && got.endsWith(' .'));
          got = (await carol.next(5000)).data.toString()
        );
        echoed++
      }
    })()
    const next = async (member: typeof alice, text: string) => {
      for (;;) {
        const got = (await member.next(5000)).data.toString()
        if (got.endsWith(text)) return got
      }
    }
    const sayOver = async (text: string) => {
      await alice.send(text, port)
      return Promise.all([next(alice, text), next(bob, text)])
    }

    config(`relay({ format: '[{from}] {text}' })`)
    expect(await server.event('reload')).toMatchObject({ ok: true, changed: ['relay'] })
    expect(await sayOver('two')).toEqual([`[127.0.0.1:${alice.port}] two`, `[127.0.0.1:${alice.port}] two`])

    config(`relay({ format: '[{from}] {text}' }), logger({ console: false })`)
    expect(await server.event('reload')).toMatchObject({ ok: true, added: ['logger'], unchanged: ['relay'] })
    expect(await sayOver('three')).toHaveLength(2)

    config(`relay({ format: '[{from}] {text}' }), logger({ console: false }`)
    expect(await server.event('reload')).toMatchObject({ ok: false, code: 'E_CONFIG' })
    expect(await sayOver('four')).toEqual([`[127.0.0.1:${alice.port}] four`, `[127.0.0.1:${alice.port}] four`])

    config(`relay({ format: '<{from}> {text}' }), logger({ console: false })`)
    expect(await server.event('reload')).toMatchObject({ ok: true, changed: ['relay'] })
    expect(await sayOver('five')).toEqual([`<127.0.0.1:${alice.port}> five`, `<127.0.0.1:${alice.port}> five`])

    talking = false
    await chatter
    expect(echoed).toBeGreaterThan(0)
    server.kill('SIGINT')
    expect((await server.exited).code).toBe(0)
    // Bye! only on the real shutdown, never on a reload.
    expect(await next(bob, 'Bye!')).toBe('Bye!')
    await Promise.all([alice, bob, carol].map((s) => s.close()))
  })
})
