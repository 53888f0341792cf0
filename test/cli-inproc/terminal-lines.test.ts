import { describe, expect, it } from 'vitest'
import { local, runInProc, startInProc, usePeers, writeConfig } from '../helpers/inproc.ts'

const peer = usePeers()

describe('typed lines on a terminal, in process', () => {
  it('a message or a new target redraws the prompt with what was half typed, the cursor where it was', async () => {
    const chat = startInProc([...local], { tty: true, env: { NO_COLOR: '1' } })
    const said = await chat.waitFor(/^listening on /, { stream: 'stderr' })
    await chat.waitForText('(nobody)> ')
    chat.stdin.write('ab')
    // Readline places the cursor after the prompt with an escape (`\x1b[11G`) before the typing.
    await chat.waitForText(/\(nobody\)> (\x1b\[\d+G)?ab/)
    const amy = await peer()
    await amy.send('yo', Number(said.split(':').at(-1)))
    await chat.waitFor(/talking to .* \(the first to write\)/, { stream: 'stderr' })
    const prompt = `127.0.0.1:${amy.port}> `
    // The new target's prompt, with `ab` still on the line; typing goes on after `ab`.
    await chat.waitForText(new RegExp(`${prompt.replaceAll('.', '\\.')}(\x1b\\[\\d+G)?ab`))
    chat.write('c')
    expect((await amy.next()).data.toString()).toBe('abc')
    // After a line is handled, the prompt again; Ctrl-D leaves the terminal on a fresh line.
    await chat.waitForText(/c\r\n[^\n]*127\.0\.0\.1:\d+> /)
    chat.stdin.write('\x04')
    const exit = await chat.exited
    expect(exit.code).toBe(0)
    expect(exit.stdout.slice(exit.stdout.lastIndexOf('c\r\n'))).toMatch(/^c\r\n[^\n]*> [^\n]*\n$/)
    // The message printed above the prompt: the line cleared first, the prompt and `ab` drawn after it.
    const message = exit.stdout.slice(exit.stdout.indexOf(': yo'))
    expect(exit.stdout).toMatch(/\r\x1b\[2K\d\d:\d\d:\d\d 127\.0\.0\.1:\d+: yo\n/)
    expect(message.slice(0, message.indexOf('abc'))).toMatch(/> (\x1b\[\d+G)?ab/)
  })
})

describe('leaving a terminal chat', () => {
  it('Ctrl-D leaves at once: --linger is for piped lines only', async () => {
    const amy = await peer()
    // A linger longer than the test's time-out: only leaving at once passes.
    const chat = startInProc(['--to', String(amy.port), ...local, '--linger', '600000'], { tty: true })
    await chat.waitFor(/; \/help for commands$/, { stream: 'stderr' })
    chat.stdin.write('\x04')
    expect((await chat.exited).code).toBe(0)
  })
})

describe('slash commands as typed', () => {
  it('/to takes its argument with spaces around and between words as typed', async () => {
    const amy = await peer()
    const exit = await runInProc([...local, '--linger', '0'], {
      input: `/to   127.0.0.1:${amy.port}  \nhi\n/to no  where \n`,
    })
    expect((await amy.next()).data.toString()).toBe('hi')
    expect(exit.stderr.split('\n').slice(1)).toEqual([
      `talking to 127.0.0.1:${amy.port}`,
      'error Unknown target `no where`: expected a contact name or HOST:PORT',
      '',
    ])
  })

  it('/quit in piped lines leaves at once, without the --linger wait for replies', async () => {
    const amy = await peer()
    // A linger longer than the test's time-out: only leaving at once passes.
    const exit = await runInProc(['--to', String(amy.port), ...local, '--linger', '600000'], { input: 'one\n/quit\n' })
    expect(exit.code).toBe(0)
    expect((await amy.next()).data.toString()).toBe('one')
  })
})

describe('signals and the config', () => {
  it('a signal while the config loads is not caught (the runtime’s default applies); once loaded, they are', async () => {
    const g = globalThis as { __loading?: () => void; __loaded?: () => void }
    const loading = new Promise<void>((resolve) => (g.__loading = resolve))
    const config = writeConfig(
      'globalThis.__loading()\nawait new Promise((resolve) => { globalThis.__loaded = resolve })\nexport default {}\n',
    )
    const chat = startInProc(['listen', '-c', config, ...local, '--json'])
    await loading
    // In a process this would end it, as it ends any program; in the test's own nothing listens yet.
    chat.kill('SIGTERM')
    g.__loaded!()
    const port = await chat.port()
    const amy = await peer()
    await amy.send('still here', port)
    expect(await chat.event('message')).toMatchObject({ text: 'still here' })
    chat.kill('SIGTERM')
    expect((await chat.exited).code).toBe(0)
  })
})
