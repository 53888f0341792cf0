import { describe, expect, it } from 'vitest'
import { local, startInProc, usePeers } from '../helpers/inproc.ts'

const peer = usePeers()
const DIM = (text: string) => `\x1b[2m${text}\x1b[0m`

describe('the chat on a terminal (stdin and stdout TTYs), in process', () => {
  it('shows a prompt, prints what arrives above it escaped, sends what is typed; Ctrl-D leaves', async () => {
    const amy = await peer()
    const chat = startInProc(['--to', String(amy.port), ...local], { tty: true, env: { TERM: 'xterm' } })
    await chat.waitFor(`talking to 127.0.0.1:${amy.port}; /help for commands`, { stream: 'stderr' })
    await chat.waitForText(DIM(`127.0.0.1:${amy.port}> `))
    chat.write('hello')
    const asked = await amy.next()
    expect(asked.data.toString()).toBe('hello')
    // An empty line on a terminal sends nothing.
    chat.write('')
    await amy.send('evil \x1b[2J text', asked.from.port)
    const line = await chat.waitFor(/evil/)
    // Cleared the prompt's line first; the escape shown, not obeyed; time dimmed, the sender in cyan.
    expect(line).toContain('\r\x1b[2K')
    expect(line).toContain(`\x1b[36m127.0.0.1:${amy.port}\x1b[0m: evil \\e[2J text`)
    chat.stdin.write('\x04')
    const exit = await chat.exited
    expect(exit.code).toBe(0)
    await expect(amy.next(100)).rejects.toThrow(/no datagram/)
  })

  it('with nobody to talk to yet, says how to choose; NO_COLOR leaves colour out; Ctrl-C at the prompt leaves', async () => {
    const chat = startInProc([...local], { tty: true, env: { NO_COLOR: '1' } })
    await chat.waitFor(
      'nobody to talk to yet: /to NAME or /to HOST:PORT (or wait for someone to write); /help for commands',
      { stream: 'stderr' },
    )
    await chat.waitForText('(nobody)> ')
    expect(chat.stdout.join('\n')).not.toContain('\x1b[2m')
    chat.stdin.write('\x03')
    expect((await chat.exited).code).toBe(0)
  })

  it('FORCE_COLOR colours a pipe; FORCE_COLOR=0 does not', async () => {
    const amy = await peer()
    for (const [value, coloured] of [
      ['1', true],
      ['0', false],
      ['false', false],
    ] as const) {
      const chat = startInProc(['listen', ...local, '--once'], { env: { FORCE_COLOR: value } })
      const said = await chat.waitFor(/listening on/, { stream: 'stderr' })
      await amy.send('hi', Number(/:(\d+)/.exec(said)![1]))
      const { stdout } = await chat.exited
      expect(stdout.includes('\x1b[36m'), value).toBe(coloured)
    }
  })
})
