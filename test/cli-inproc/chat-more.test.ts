import { describe, expect, it } from 'vitest'
import { local, runInProc, startInProc, usePeers, writeConfig } from '../helpers/inproc.ts'

const peer = usePeers()

describe('chat, in process: what the other tests leave out', () => {
  it('a typed line too big for UDP: one error line, the chat goes on, and exits 1 at the end of stdin', async () => {
    const amy = await peer()
    const exit = await runInProc(['--to', String(amy.port), ...local, '--linger', '0'], {
      input: `${'x'.repeat(70_000)}\nafter\n`,
    })
    expect(exit.code).toBe(1)
    expect((await amy.next()).data.toString()).toBe('after')
    expect(exit.stderr.split('\n').slice(1)).toEqual([
      `error Not sent to 127.0.0.1:${amy.port}: 70000 bytes is more than one UDP datagram can carry (65507)`,
      'error 1 line of stdin not sent (said above)',
      '',
    ])
  })

  it('the first to write is named by its contact name; the prompt too', async () => {
    const amy = await peer()
    const config = writeConfig(`export default { peers: { amy: '127.0.0.1:${amy.port}' } }`)
    const chat = startInProc(['-c', config, ...local], { tty: true, env: { NO_COLOR: '1' } })
    const said = await chat.waitFor(/^listening on /, { stream: 'stderr' })
    await chat.waitForText('(nobody)> ')
    await amy.send('hi', Number(/^listening on 127\.0\.0\.1:(\d+) /.exec(said)![1]))
    expect(await chat.waitFor(/the first to write/, { stream: 'stderr' })).toBe(
      `talking to amy (127.0.0.1:${amy.port}) (the first to write); /to changes it`,
    )
    await chat.waitForText('amy> ')
    chat.stdin.write('\x04')
    expect((await chat.exited).code).toBe(0)
  })

  it('-q: the first to write becomes the target without a word', async () => {
    const chat = startInProc([...local, '-q', '--json'])
    const port = await chat.port()
    const amy = await peer()
    await amy.send('hi', port)
    await chat.event('message')
    chat.write('back')
    expect((await amy.next()).data.toString()).toBe('back')
    chat.end()
    const exit = await chat.exited
    expect(exit.stderr).toBe('')
  })

  it('--json on a terminal is not interactive: no prompt, only JSON lines on stdout', async () => {
    const amy = await peer()
    const chat = startInProc(['--to', String(amy.port), ...local, '--json', '--linger', '0'], { tty: true })
    await chat.event('listening')
    chat.write('hi')
    expect((await amy.next()).data.toString()).toBe('hi')
    chat.end()
    const exit = await chat.exited
    for (const line of exit.stdout.trim().split('\n')) expect(line).toMatch(/^\{"event":/)
  })

  it('a terminal on one end only is not interactive: no prompt, lines sent as piped', async () => {
    const amy = await peer()
    for (const tty of ['stdin', 'stdout'] as const) {
      const exit = await runInProc(['--to', String(amy.port), ...local, '--linger', '0'], { tty, input: 'hi\n' })
      expect((await amy.next()).data.toString()).toBe('hi')
      expect(exit.stdout).toBe('')
    }
  })

  it('/who goes out as text when no plugin keeps members (another plugin is not presence)', async () => {
    const amy = await peer()
    const config = writeConfig("export default { plugins: [{ name: 'mine', inbound: (m) => m }] }")
    const exit = await runInProc(['-c', config, '--to', String(amy.port), ...local, '--linger', '0'], {
      input: '/who\n',
    })
    expect(exit.code).toBe(0)
    expect((await amy.next()).data.toString()).toBe('/who')
  })

  it('says which plugins run, comma-separated, when it starts', async () => {
    const config = writeConfig(
      "export default { plugins: [{ name: 'one', inbound: (m) => m }, { name: 'two', inbound: (m) => m }] }",
    )
    const chat = startInProc(['serve', '-c', config, ...local])
    expect(await chat.waitFor(/^listening on /, { stream: 'stderr' })).toMatch(/ \(plugins: one, two\)$/)
    chat.kill('SIGTERM')
    expect((await chat.exited).code).toBe(0)
  })
})
