import { describe, expect, it } from 'vitest'
import { runInProc, startInProc, usePeers, writeConfig } from '../helpers/inproc.ts'
import type { PlainSocket } from '../helpers/udp.ts'

const peer = usePeers()

/** The next datagram the relay receives whose text passes `match`, skipping heartbeats and others. */
async function next(relay: PlainSocket, match: (text: string) => boolean) {
  for (;;) {
    const got = await relay.next()
    if (match(got.data.toString())) return got
  }
}

describe('chat join, in process: what the other tests leave out', () => {
  it('on a terminal: the relay’s contact name as the prompt, typed lines to it, /exit leaves', async () => {
    const relay = await peer()
    const config = writeConfig(`export default { peers: { hub: '127.0.0.1:${relay.port}' } }`)
    const member = startInProc(['join', 'hub', '-c', config], { tty: true, env: { NO_COLOR: '1' } })
    await member.waitForText('hub> ')
    member.write('hello')
    await next(relay, (t) => t === 'hello')
    member.write('/exit')
    expect((await member.exited).code).toBe(0)
    await next(relay, (t) => t === 'quit')
  })

  it('--json: only JSON on stdout and nothing on stderr, joined and relay events included', async () => {
    const relay = await peer()
    const member = startInProc(['join', String(relay.port), '--json', '-i', '0.02'])
    await member.event('joined')
    await member.event('relay')
    member.end()
    const exit = await member.exited
    expect(exit.code).toBe(0)
    expect(exit.stderr).toBe('')
  })

  it('says only "joined" (not "listening"), keeps the config’s other plugins, and warns once about a relay', async () => {
    const relay = await peer()
    const config = writeConfig(
      "import { relay } from '@/plugins/index.ts'\n" +
        "export default { plugins: [relay(), { name: 'mine', inbound: (m) => m }] }",
    )
    const member = startInProc(['join', String(relay.port), '-c', config, '--json'])
    expect(await member.event('listening')).toMatchObject({ plugins: ['mine', 'heartbeat'] })
    member.write('/reload')
    // The heartbeat is made once: a reload finds it unchanged and keeps it running.
    expect(await member.event('reload')).toMatchObject({ ok: true, unchanged: ['mine', 'heartbeat'] })
    member.end()
    const exit = await member.exited
    expect(exit.stderr.match(/leaving out the config's relay plugin/g)).toHaveLength(1)
    const words = await runInProc(['join', String(relay.port), '-q', '--linger', '0'], { input: '' })
    expect(words).toEqual({ code: 0, stdout: '', stderr: '' })
    const plain = startInProc(['join', String(relay.port), '--host', '127.0.0.1'])
    await plain.waitFor(/^joined /, { stream: 'stderr' })
    plain.end()
    expect((await plain.exited).stderr).toMatch(/^joined [^\n]*\n$/)
  })

  it('--nick: ^here^ goes with the heartbeats, not more often', async () => {
    const relay = await peer()
    const member = startInProc(['join', String(relay.port), '--nick', 'amy', '-i', '0.1', '-q'])
    const texts: string[] = []
    while (texts.filter((t) => t === '^hb^').length < 3) texts.push((await relay.next()).data.toString())
    member.kill('SIGTERM')
    await member.exited
    expect(texts.filter((t) => t === '^here^ amy').length).toBeLessThanOrEqual(4)
  })

  it('broadcasts: one line end taken off (\\n, \\r\\n or \\r), the lines inside kept', async () => {
    const relay = await peer()
    const member = startInProc(['join', String(relay.port)])
    const { from } = await next(relay, (t) => t === '^hb^')
    for (const text of ['a: one\n', 'b: two\r\n', 'c: three\r', 'd: four\nfive']) await relay.send(text, from.port)
    await member.waitFor('five')
    member.end()
    const lines = (await member.exited).stdout.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''))
    expect(lines).toEqual(['a: one', 'b: two', 'c: three', 'd: four', 'five', ''])
  })

  // Timed from before the start: the linger's half second is then a lower bound a busy machine cannot
  // break (it can only hide a missing linger, by a start slower than that).
  it('lingers half a second by default after stdin ends', async () => {
    const relay = await peer()
    const began = performance.now()
    const exit = await runInProc(['join', String(relay.port), '-q'], { input: 'hello\n' })
    expect(exit.code).toBe(0)
    expect(performance.now() - began).toBeGreaterThanOrEqual(500)
    await next(relay, (t) => t === 'hello')
  })

  // --linger given (the 500 ms default is too short a window to bet on while other work runs).
  it('piped lines: keeps printing broadcasts for --linger ms after stdin ends', async () => {
    const relay = await peer()
    const member = startInProc(['join', String(relay.port), '-q', '--linger', '3000'])
    member.write('hello')
    member.end()
    const { from } = await next(relay, (t) => t === 'hello')
    await relay.send('bob: hi', from.port)
    const exit = await member.exited
    expect(exit.stdout).toMatch(/^\d\d:\d\d:\d\d bob: hi\n$/)
  }, 10_000) // it lingers 3 s on purpose

  it('a typed line too big for UDP: one error line, and the member stays', async () => {
    const relay = await peer()
    const exit = await runInProc(['join', String(relay.port), '-q', '--linger', '0'], {
      input: `${'x'.repeat(70_000)}\nafter\n`,
    })
    expect(exit.code).toBe(0)
    await next(relay, (t) => t === 'after')
    expect(exit.stderr).toBe(
      `error Not sent to 127.0.0.1:${relay.port}: 70000 bytes is more than one UDP datagram can carry (65507)\n`,
    )
  })

  it('a relay that cannot be a target: its own error, the contacts named only for an unknown name', async () => {
    const config = writeConfig("export default { peers: { hub: '127.0.0.1:9' } }")
    const zero = await runInProc(['join', '127.0.0.1:0', '-c', config])
    expect(zero).toMatchObject({ code: 2, stderr: "chat: Cannot send to `127.0.0.1:0`: a target's port is 1-65535\n" })
    const none = await runInProc(['join', 'nobody'])
    expect(none.stderr).toBe('chat: Unknown target `nobody`: expected a contact name or HOST:PORT\n')
    const verbose = await runInProc(['join', 'hbu', '-c', config, '--verbose'])
    const [first, stack] = verbose.stderr.split('\n')
    expect(first).toBe('chat: Unknown target `hbu`: expected a contact name or HOST:PORT; contacts: hub')
    expect(stack).toMatch(/^ChatError: Unknown target `hbu`/)
  })

  it('an unknown name lists every contact, joined by a comma', async () => {
    const config = writeConfig("export default { peers: { hub: '127.0.0.1:9', den: '127.0.0.1:10' } }")
    const exit = await runInProc(['join', 'hbu', '-c', config])
    expect(exit.stderr).toBe('chat: Unknown target `hbu`: expected a contact name or HOST:PORT; contacts: hub, den\n')
  })

  it('/reload keeps the port it bound (any free one), whatever port the config names', async () => {
    const relay = await peer()
    const config = writeConfig('export default { port: 9 }')
    const member = startInProc(['join', String(relay.port), '-c', config, '--json'])
    await member.event('joined')
    member.write('/reload')
    expect(await member.event('reload')).toMatchObject({ ok: true })
    member.end()
    const exit = await member.exited
    expect(exit.stderr).toBe('')
  })
})
