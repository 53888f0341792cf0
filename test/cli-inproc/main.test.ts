import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/chat-process.ts'
import { runInProc, runWithFailingStdout, writeConfig } from '../helpers/inproc.ts'

const fixture = (name: string) => join(root, 'test/fixtures', name, 'chat.config.ts')

describe('how run() reports failures', () => {
  it('a config error: one line, exit 2; with --verbose, the stack of its cause after it', async () => {
    const plain = await runInProc(['listen', '-c', fixture('syntax-error')])
    expect(plain.code).toBe(2)
    expect(plain.stderr).toMatch(/^chat: [^\n]+\n$/)
    const verbose = await runInProc(['listen', '-c', fixture('syntax-error'), '--verbose'])
    expect(verbose.code).toBe(2)
    const [first, ...stack] = verbose.stderr.split('\n')
    expect(`${first}\n`).toBe(plain.stderr)
    expect(stack.join('\n')).toMatch(/^\w*Error: /)
    expect(stack.length).toBeGreaterThan(2)
  })

  it('a runtime failure (a plugin whose setup fails) exits 1', async () => {
    const config = writeConfig("export default { plugins: [{ name: 'vault', setup() { throw new Error('locked') } }] }")
    const exit = await runInProc(['serve', '-c', config, '--host', '127.0.0.1', '--port', '0'])
    expect(exit.code).toBe(1)
    expect(exit.stderr).toMatch(/^chat: .*vault.*locked\n$/)
  })

  it('an error that is not ours is an internal error: named as a bug, with its stack, exit 1', async () => {
    // A stream that throws where it should not: nothing in the command expects it.
    const { code, stderr } = await runWithFailingStdout(['plugins'], new TypeError('the stream broke'))
    expect(code).toBe(1)
    const [first, second, ...stack] = stderr.split('\n')
    expect(first).toBe('chat: internal error: the stream broke (this is a bug; please report it)')
    expect(second).toBe('TypeError: the stream broke')
    expect(stack[0]).toMatch(/^\s+at /)
  })
})
