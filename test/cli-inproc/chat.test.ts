import { describe, expect, it } from 'vitest'
import { local, runInProc, startInProc, usePeers, writeConfig } from '../helpers/inproc.ts'
import { type PlainSocket } from '../helpers/udp.ts'

const peer = usePeers()
/** The datagrams a socket has received so far, and then none for a moment: checks the chat sent only these. */
async function texts(socket: PlainSocket, count: number): Promise<string[]> {
  const got: string[] = []
  for (let i = 0; i < count; i++) got.push((await socket.next()).data.toString())
  return got
}
const COMMANDS =
  '  /to TARGET, /peers, /plugins, /reload, /stats, /hex, /help, /quit; hex:0d 0a sends bytes; ' +
  'another /command is sent as text; //text sends "/text"'

describe('chat with piped stdin, in process', () => {
  it('sends each line to --to; //text sends /text; another /command goes as text, said once', async () => {
    const bob = await peer()
    const exit = await runInProc(['--to', String(bob.port), ...local, '--linger', '0'], {
      input: 'hello\n//slash\n/roll 2d6\n/dice\n\nhex:41 42\n',
    })
    expect(exit.code).toBe(0)
    expect(await texts(bob, 5)).toEqual(['hello', '/slash', '/roll 2d6', '/dice', ''])
    expect((await bob.next()).data.toString()).toBe('AB')
    expect(exit.stdout).toBe('')
    const stderr = exit.stderr.split('\n').slice(1)
    expect(stderr).toEqual([
      "/roll is not a chat command, so it was sent as text (for bots); /help lists the chat's own",
      '',
    ])
  })

  it('says once when /to names its own address: what it sends there comes back and is not shown', async () => {
    const run = startInProc([...local, '--linger', '0'])
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(await run.waitFor(/^listening on /, { stream: 'stderr' }))![1])
    run.write(`/to localhost:${port}`)
    await run.waitFor(/own address/, { stream: 'stderr' })
    run.write('hello me')
    run.end()
    const exit = await run.exited
    expect(exit.code).toBe(0)
    expect(exit.stderr.split('\n').filter((l) => l.startsWith('warning'))).toEqual([
      `warning 127.0.0.1:${port} is this chat's own address: lines sent there come back to it, and are not shown`,
    ])
  })

  it('--eol crlf ends each line; a line that looks like a typo of a command is not sent', async () => {
    const bob = await peer()
    const exit = await runInProc(['-t', String(bob.port), ...local, '--linger', '0', '--eol', 'crlf'], {
      input: '/qiut\n/hlep\n/stast\nok\n',
    })
    expect(exit.code).toBe(0)
    expect((await bob.next()).data.toString()).toBe('ok\r\n')
    expect(exit.stderr.split('\n').slice(1)).toEqual([
      'warning Not sent: /qiut is not a chat command (did you mean /quit?); //qiut sends it as text',
      'warning Not sent: /hlep is not a chat command (did you mean /help?); //hlep sends it as text',
      'warning Not sent: /stast is not a chat command (did you mean /stats?); //stast sends it as text',
      '',
    ])
  })

  it('/help, /peers, /plugins and /stats answer on stdout', async () => {
    const bob = await peer()
    const config = writeConfig(
      `import { uppercaseEcho } from '@/plugins/index.ts'\n` +
        `export default { peers: { bob: '127.0.0.1:${bob.port}', amy: '127.0.0.1:9' }, plugins: [] }`,
    )
    const exit = await runInProc(['-c', config, '--to', 'bob', ...local, '--linger', '0'], {
      input: 'one\n/help\n/peers\n/plugins\n/stats\n/quit\n',
    })
    expect(exit.code).toBe(0)
    expect(await texts(bob, 1)).toEqual(['one'])
    const lines = exit.stdout.split('\n')
    expect(lines.slice(0, 4)).toEqual([COMMANDS, `  bob  127.0.0.1:${bob.port}`, '  amy  127.0.0.1:9', '  no plugins'])
    expect(lines[4]).toMatch(
      /^ {2}received 0 datagrams \(0 bytes\), sent 1 \(3 bytes\), 0 dropped, 0 errors, in \d+ s$/,
    )
    expect(lines.slice(5)).toEqual([''])
  })

  it('/peers without contacts, /to without a target, /to somewhere unknown, an unknown /x of ours', async () => {
    const exit = await runInProc([...local, '--linger', '0'], { input: '/peers\n/to\n/to nowhere\nhi\n/exit\n' })
    // A piped line that did not leave makes the exit 1, for the script that piped it.
    expect(exit.code).toBe(1)
    expect(exit.stdout).toBe('  no contacts: add `peers: { name: "HOST:PORT" }` to the config\n')
    expect(exit.stderr.split('\n').slice(1)).toEqual([
      'warning Usage: /to NAME or /to HOST:PORT',
      'error Unknown target `nowhere`: expected a contact name or HOST:PORT',
      'warning Not sent: nobody to send to yet. Use /to NAME or /to HOST:PORT',
      'error 1 line of stdin not sent (said above)',
      '',
    ])
  })

  it('/to changes whom lines go to and says so', async () => {
    const [amy, bob] = [await peer(), await peer()]
    const exit = await runInProc(['--to', String(amy.port), ...local, '--linger', '0'], {
      input: `to amy\n/to 127.0.0.1:${bob.port}\nto bob\n`,
    })
    expect(exit.code).toBe(0)
    expect(await texts(amy, 1)).toEqual(['to amy'])
    expect(await texts(bob, 1)).toEqual(['to bob'])
    expect(exit.stderr.split('\n').slice(1)).toEqual([`talking to 127.0.0.1:${bob.port}`, ''])
  })

  it('talks to the first who writes, prints what arrives, and /hex switches to hex dumps and back', async () => {
    const chat = startInProc([...local])
    const said = await chat.waitFor(/^listening on /, { stream: 'stderr' })
    const port = Number(said.split(':').at(-1))
    const amy = await peer()
    chat.write('too early')
    await chat.waitFor(/^warning Not sent: nobody to send to yet/, { stream: 'stderr' })
    await amy.send('hi there', port)
    await chat.waitFor(
      new RegExp(`^talking to 127\\.0\\.0\\.1:${amy.port} \\(the first to write\\); /to changes it$`),
      {
        stream: 'stderr',
      },
    )
    expect(await chat.waitFor(/hi there/)).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d 127\\.0\\.0\\.1:${amy.port}: hi there$`),
    )
    chat.write('hello amy')
    expect((await amy.next()).data.toString()).toBe('hello amy')
    chat.write('/hex')
    await chat.waitFor(/^showing datagrams as hex dumps; \/hex again for text$/, { stream: 'stderr' })
    await amy.send('AB', port)
    await chat.waitFor(new RegExp(`127\\.0\\.0\\.1:${amy.port}: 2 bytes$`))
    chat.write('/hex')
    await chat.waitFor(/^showing datagrams as text$/, { stream: 'stderr' })
    await amy.send('CD', port)
    await chat.waitFor(new RegExp(`127\\.0\\.0\\.1:${amy.port}: CD$`))
    chat.write('/stats')
    expect(await chat.waitFor(/received/)).toMatch(
      /^ {2}received 3 datagrams \(12 bytes\), sent 1 \(9 bytes\), 0 dropped, 0 errors, in \d+ s$/,
    )
    chat.end()
    // 'too early' went nowhere: stdin is not a terminal, so that is a failure to report.
    expect((await chat.exited).code).toBe(1)
  })

  it('-q leaves out what is not a message or an error', async () => {
    const amy = await peer()
    const chat = startInProc([...local, '-q', '--to', String(amy.port)])
    chat.write('/roll 1')
    const asked = await amy.next()
    expect(asked.data.toString()).toBe('/roll 1')
    await amy.send('5', asked.from.port)
    await chat.waitFor(/: 5$/)
    chat.write('/to nowhere')
    await chat.waitFor(/Unknown target/, { stream: 'stderr' })
    chat.write('/qiut')
    chat.end()
    const exit = await chat.exited
    expect(exit.stderr).toBe('error Unknown target `nowhere`: expected a contact name or HOST:PORT\n')
  })

  it('lingers half a second by default after stdin ends', async () => {
    const amy = await peer()
    const exit = runInProc(['--to', String(amy.port), ...local], { input: 'hi\n' })
    expect((await amy.next()).data.toString()).toBe('hi')
    const sent = performance.now()
    expect((await exit).code).toBe(0)
    // A lower bound only: the linger began before amy read the datagram, and a timer does not end early.
    expect(performance.now() - sent).toBeGreaterThanOrEqual(400)
  })

  it('--linger keeps receiving after stdin ends; a signal cuts it short', async () => {
    const amy = await peer()
    const chat = startInProc([...local, '--to', String(amy.port), '--linger', '60000', '--json'])
    chat.write('ping')
    chat.end()
    const asked = await amy.next()
    await amy.send('pong', asked.from.port)
    expect(await chat.event('message')).toMatchObject({ text: 'pong' })
    chat.kill('SIGINT')
    expect((await chat.exited).code).toBe(0)
  })

  it('a second signal while the plugins stop exits 130 at once, saying so', async () => {
    const config = writeConfig(
      "export default { plugins: [{ name: 'slow', dispose(ctx) { ctx.logger.info('stopping slowly'); " +
        'return new Promise((resolve) => { globalThis.__inprocRelease = resolve }) } }] }',
    )
    const chat = startInProc(['serve', '-c', config, ...local, '--json'])
    await chat.event('listening')
    chat.kill('SIGTERM')
    await chat.waitFor(/stopping slowly/, { stream: 'stderr' })
    chat.kill('SIGINT')
    const exit = await chat.exited
    expect(exit.code).toBe(130)
    expect(exit.stderr).toMatch(/^warning SIGINT again: exiting without cleaning up$/m)
    ;(globalThis as { __inprocRelease?: () => void }).__inprocRelease?.()
  })
})

describe('/quit', () => {
  it('sends none of the lines after it, even those read in the same chunk', async () => {
    const bob = await peer()
    const exit = await runInProc(['--to', String(bob.port), ...local, '--linger', '0'], {
      input: 'one\n/quit\nafter\n',
    })
    expect(exit.code).toBe(0)
    expect((await bob.next()).data.toString()).toBe('one')
    // The chat has closed its socket: anything it was going to send has been sent.
    await expect(bob.next(100)).rejects.toThrow(/no datagram/)
  })
})

describe('a drop on the way out', () => {
  it('is a drop event with direction outbound (--json), and a debug line with --verbose', async () => {
    const bob = await peer()
    const config = writeConfig(
      "import { drop } from '@/core/index.ts'\n" +
        "export default { plugins: [{ name: 'filter', outbound: (m) => (m.text.includes('secret') ? drop('no secrets') : m) }] }",
    )
    const json = await runInProc(['-c', config, '--to', String(bob.port), ...local, '--linger', '0', '--json'], {
      input: 'my secret\nfine\n',
    })
    expect((await bob.next()).data.toString()).toBe('fine')
    const drops = json.stdout
      .split('\n')
      .filter((l) => l.includes('"drop"'))
      .map((l) => JSON.parse(l))
    expect(drops).toEqual([
      {
        event: 'drop',
        plugin: 'filter',
        reason: 'no secrets',
        direction: 'outbound',
        peer: `127.0.0.1:${bob.port}`,
        text: 'my secret',
      },
    ])
    const verbose = await runInProc(['-c', config, '--to', String(bob.port), ...local, '--linger', '0', '--verbose'], {
      input: 'a secret\n',
    })
    expect(verbose.stderr).toContain(`\ndebug filter dropped a message to 127.0.0.1:${bob.port}: no secrets\n`)
  })
})
