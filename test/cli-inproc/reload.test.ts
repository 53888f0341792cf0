import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/chat-process.ts'
import { runInProc, startInProc } from '../helpers/inproc.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const local = ['--host', '127.0.0.1', '--port', '0']
const sockets: PlainSocket[] = []
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

/** A config in a temporary folder with a local plugin file, as a user would write one. */
function project(suffix: string) {
  const dir = tempDir('udpchat-inproc-watch-')
  // Nothing imported from the repository: the watched files are these two.
  const plugin = (s: string, dispose = '') =>
    `export const shout = () => ({ name: 'shout', inbound: (m, ctx) => ctx.reply(m, m.text.toUpperCase() + '${s}')${dispose} })\n`
  const config = (extra = '') => `import { shout } from './shout.ts'
const echo = { name: 'echo', inbound: (m, ctx) => ctx.reply(m, m.text) }
export default { plugins: [shout()${extra}] }
`
  writeFileSync(join(dir, 'shout.ts'), plugin(suffix))
  writeFileSync(join(dir, 'chat.config.ts'), config())
  return {
    dir,
    files: [join(dir, 'chat.config.ts'), join(dir, 'shout.ts')],
    editPlugin: (s: string, dispose?: string) => writeFileSync(join(dir, 'shout.ts'), plugin(s, dispose)),
    editConfig: (extra: string) => writeFileSync(join(dir, 'chat.config.ts'), config(extra)),
    breakConfig: () => writeFileSync(join(dir, 'chat.config.ts'), config(', ,,(')),
  }
}

async function asker(port: number) {
  const alice = await plainSocket()
  sockets.push(alice)
  return async (text: string) => (await alice.send(text, port), (await alice.next()).data.toString())
}

describe('--watch and /reload, in process', () => {
  it('--json: watching names the files; each save a reload event with its fields; a broken save keeps the old plugins', async () => {
    const p = project('!')
    const server = startInProc(['serve', '--watch', '--json', ...local], { cwd: p.dir })
    const port = await server.port()
    expect(await server.event('watching')).toEqual({ event: 'watching', files: p.files })
    const ask = await asker(port)
    expect(await ask('a')).toBe('A!')

    p.editPlugin('?')
    const changed = await server.event('reload')
    expect(changed).toEqual({
      event: 'reload',
      ok: true,
      added: [],
      removed: [],
      changed: ['shout'],
      unchanged: [],
      loadMs: expect.any(Number),
      swapMs: expect.any(Number),
      afterChangeMs: expect.any(Number),
      disposeErrors: [],
    })
    expect(changed.afterChangeMs).toBeGreaterThanOrEqual(changed.loadMs)
    expect(await ask('b')).toBe('B?')

    p.editConfig(', echo')
    expect(await server.event('reload')).toMatchObject({ ok: true, added: ['echo'], unchanged: ['shout'] })

    p.breakConfig()
    const broken = await server.event('reload')
    expect(broken).toEqual({ event: 'reload', ok: false, code: 'E_CONFIG', message: expect.any(String) })
    expect(broken.message).toMatch(/^chat\.config\.ts: cannot load the config: .*; the old plugins keep running$/s)
    expect(await server.waitFor(/^error reload failed: /, { stream: 'stderr' })).toMatch(/chat\.config\.ts/)

    p.editConfig('')
    expect(await server.event('reload')).toMatchObject({ ok: true, removed: ['echo'], unchanged: ['shout'] })
    expect(await ask('c')).toBe('C?')
    server.kill('SIGINT')
    expect((await server.exited).code).toBe(0)
  })

  it('says in words what it watches and what each reload did, and names a plugin whose dispose failed', async () => {
    const p = project('!')
    p.editPlugin('!', ", dispose() { throw new Error('cannot let go') }")
    const server = startInProc(['serve', '--watch', ...local], { cwd: p.dir })
    await server.waitFor('watching 2 files for changes', { stream: 'stderr' })
    p.editPlugin('?')
    expect(await server.waitFor(/^reloaded/, { stream: 'stderr' })).toMatch(
      /^reloaded in \d+\.\d ms: changed shout \(options or code\); \d+\.\d ms after the change$/,
    )
    server.kill('SIGINT')
    expect((await server.exited).code).toBe(0)
    const json = startInProc(['serve', '--watch', '--json', ...local], { cwd: p.dir })
    await json.event('watching')
    p.editPlugin('!', ", dispose() { throw new Error('cannot let go') }")
    await json.event('reload')
    p.editPlugin('?')
    expect((await json.event('reload')).disposeErrors).toEqual([{ plugin: 'shout', message: 'cannot let go' }])
    json.kill('SIGINT')
    expect((await json.exited).code).toBe(0)
  })

  it('/reload reloads by hand (afterChangeMs null); --watch without a config file says there is nothing to watch', async () => {
    const p = project('!')
    p.editPlugin('?')
    const exit = await runInProc([...local, '--json', '--linger', '0'], { cwd: p.dir, input: '/reload\n' })
    const reload = exit.stdout
      .split('\n')
      .filter((l) => l.includes('"reload"'))
      .map((l) => JSON.parse(l))
    expect(reload).toMatchObject([{ ok: true, unchanged: ['shout'], afterChangeMs: null }])
    const none = startInProc(['serve', '--watch', ...local])
    await none.waitFor('warning --watch: there is no config file to watch (chat.config.ts or --config FILE)', {
      stream: 'stderr',
    })
    none.kill('SIGTERM')
    expect((await none.exited).code).toBe(0)
  })
})
