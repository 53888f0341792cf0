import { describe, expect, it } from 'vitest'
import { local, runInProc, writeConfig } from '../helpers/inproc.ts'

// A plugin that logs at each level: an object, network-like text with an escape, an error, a debug line.
const talky = () =>
  writeConfig(
    "export default { plugins: [{ name: 'talky', setup(ctx) { ctx.logger.info('obj', { a: 1, s: 'x' }); " +
      "ctx.logger.warn('careful \\x1b[2J'); ctx.logger.error('bad'); ctx.logger.debug('dbg') } }] }",
  )
const stderrOf = async (env: Record<string, string>, extra: string[] = [], tty?: 'all') => {
  const exit = await runInProc([...local, '-c', talky(), '--linger', '0', ...extra], { env, input: '/quit\n', tty })
  expect(exit.code).toBe(0)
  return exit.stderr.split('\n').filter((line) => !line.includes('listening on'))
}

describe('log lines on stderr, in process', () => {
  it('FORCE_COLOR: the level word in its colour, the plugin as a tag, objects inspected in colour', async () => {
    expect(await stderrOf({ FORCE_COLOR: '1' }, ['--verbose'])).toEqual([
      "[talky] obj { a: \x1b[33m1\x1b[39m, s: \x1b[32m'x'\x1b[39m }",
      '\x1b[33mwarning\x1b[0m [talky] careful \x1b[2J',
      '\x1b[31merror\x1b[0m [talky] bad',
      '\x1b[2mdebug\x1b[0m [talky] dbg',
      '',
    ])
  })

  it('no colour through a pipe, with FORCE_COLOR empty, or with NO_COLOR whatever FORCE_COLOR says', async () => {
    const plain = ["[talky] obj { a: 1, s: 'x' }", 'warning [talky] careful \x1b[2J', 'error [talky] bad', '']
    expect(await stderrOf({})).toEqual(plain)
    expect(await stderrOf({ FORCE_COLOR: '' })).toEqual(plain)
    expect(await stderrOf({ NO_COLOR: '1', FORCE_COLOR: '1' })).toEqual(plain)
  })

  it('on a terminal: what a plugin logs is shown escaped; TERM=dumb has no colour', async () => {
    const lines = await stderrOf({ TERM: 'dumb' }, [], 'all')
    expect(lines.slice(0, 3)).toEqual([
      "[talky] obj { a: 1, s: 'x' }",
      'warning [talky] careful \\e[2J',
      'error [talky] bad',
    ])
    const coloured = await stderrOf({ TERM: 'xterm' }, [], 'all')
    expect(coloured[1]).toBe('\x1b[33mwarning\x1b[0m [talky] careful \\e[2J')
  })
  it('on a terminal: an Error or an object a plugin logs is shown escaped too (its message may quote a datagram)', async () => {
    const config = writeConfig(
      "export default { plugins: [{ name: 'quoting', setup(ctx) { " +
        "ctx.logger.error(new Error('bad datagram \\x1b]0;pwned\\x07')); ctx.logger.warn('got', { text: '\\x1b[2J' }) } }] }",
    )
    const exit = await runInProc([...local, '-c', config, '--linger', '0'], {
      env: { TERM: 'dumb' },
      input: '/quit\n',
      tty: 'all',
    })
    const lines = exit.stderr.split('\n').filter((line) => line.includes('[quoting]'))
    expect(lines).toEqual([
      'error [quoting] Error: bad datagram \\e]0;pwned\\x07',
      "warning [quoting] got { text: '\\x1B[2J' }",
    ])
    expect(exit.stderr).not.toMatch(/\x1b[\]\[]/)
  })
})
