import { describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { formatFlags } from '../../cli/_args.ts'
import { spec as chatSpec } from '../../cli/commands/chat.ts'
import { local, runInProc, runWithFailingStdout, startInProc, writeConfig } from '../helpers/inproc.ts'

// The list of commands as a user reads it: one column of usages, padded to the longest.
const HEAD = `chat ${pkg.version}: a scriptable UDP chat

Usage:
  chat [--to TARGET]${' '.repeat(58)}interactive full-duplex chat
  chat --group GROUP:PORT${' '.repeat(53)}the same in a multicast room: each line goes to everyone in it
  chat send TARGET TEXT... [--wait MS] [--count N] [--repeat N] [--every MS]  send one datagram (or \`-\`: one per stdin line), print the answers, exit
  chat listen [--once | --count N]${' '.repeat(44)}print what arrives
  chat serve${' '.repeat(66)}run the config's plugins headless until SIGINT/SIGTERM
  chat join TARGET [--interval S]${' '.repeat(45)}join a group-chat relay: heartbeats, broadcasts, \`quit\` on exit
  chat plugins${' '.repeat(64)}list the config's plugins in the order they run, with hooks and options

TARGET is a contact name from the config's \`peers\`, HOST:PORT, or a bare PORT (127.0.0.1).
\`chat COMMAND --help\` tells more; options go before or after the command.

`

describe('chat --help, as written', () => {
  it('the commands in one aligned column, then the interactive chat’s commands and options', async () => {
    const { stdout } = await runInProc(['--help'])
    expect(stdout).toBe(
      `${HEAD}${chatSpec.more}\n\nOptions of the interactive chat (each command's --help lists its own):\n` +
        `${formatFlags(chatSpec.flags)}\n`,
    )
  })
})

describe('run() and the runtime', () => {
  it('a permission the runtime refused (NotCapable, on Deno): its message in one line, exit 2', async () => {
    const refused = Object.assign(new Error('Requires write access to stdout, run again with --allow-write'), {
      name: 'NotCapable',
    })
    const { code, stderr } = await runWithFailingStdout(['plugins'], refused)
    expect(code).toBe(2)
    expect(stderr).toBe('chat: Requires write access to stdout, run again with --allow-write\n')
  })

  it('a second signal ends the process through io.exit(130)', async () => {
    const config = writeConfig(
      "export default { plugins: [{ name: 'slow', dispose(ctx) { ctx.logger.info('stopping slowly'); " +
        'return new Promise((resolve) => { globalThis.__mainRunRelease = resolve }) } }] }',
    )
    const codes: number[] = []
    const chat = startInProc(['serve', '-c', config, ...local, '--json'], { exit: (code) => codes.push(code) })
    await chat.event('listening')
    chat.kill('SIGTERM')
    await chat.waitFor(/stopping slowly/, { stream: 'stderr' })
    expect(codes).toEqual([])
    chat.kill('SIGTERM')
    expect((await chat.exited).code).toBe(130)
    expect(codes).toEqual([130])
    ;(globalThis as { __mainRunRelease?: () => void }).__mainRunRelease?.()
  })
})
