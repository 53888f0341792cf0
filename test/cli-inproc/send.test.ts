import dgram from 'node:dgram'
import { describe, expect, it } from 'vitest'
import { runInProc, startInProc, usePeers, writeConfig } from '../helpers/inproc.ts'

const peer = usePeers()
const events = (stdout: string, name: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((e) => e.event === name)

describe('chat send, in process', () => {
  it('sends TEXT... joined by spaces, says so on stderr, and exits 0 at once when stdout is a pipe', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), 'hello', 'there'])
    expect((await device.next()).data.toString()).toBe('hello there')
    expect(exit).toEqual({ code: 0, stdout: '', stderr: `sent 11 bytes to 127.0.0.1:${device.port}\n` })
  })

  it('--json: a listening event, then each answer; --count stops at N and exits 0', async () => {
    const device = await peer()
    const sending = startInProc(['send', `127.0.0.1:${device.port}`, 'ping', '--json', '-n', '2'])
    const listening = await sending.event('listening')
    expect(listening).toMatchObject({ host: '0.0.0.0', family: 'IPv4', runtime: 'node', plugins: [] })
    const asked = await device.next()
    expect(asked.from.port).toBe(listening.port)
    await device.send('one', asked.from.port)
    // Still waiting after one of two answers.
    expect(await sending.event('message')).toMatchObject({ text: 'one', from: `127.0.0.1:${device.port}` })
    await device.send('two', asked.from.port)
    const exit = await sending.exited
    expect(exit.code).toBe(0)
    expect(events(exit.stdout, 'message').map((m) => m.text)).toEqual(['one', 'two'])
    expect(exit.stderr).toBe('')
  })

  it('--verbose adds a sent event to --json, and no sent line on stderr', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), 'hi', '--json', '--verbose'])
    await device.next()
    expect(events(exit.stdout, 'sent')).toEqual([
      { event: 'sent', to: `127.0.0.1:${device.port}`, peer: null, text: 'hi', bytes: 2 },
    ])
    // The event says it: no debug line on stderr as well.
    expect(exit.stderr).toBe('')
  })

  it('--count exits 1 with one line when fewer answers came within --wait', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), 'hi', '--count', '1', '--wait', '30'])
    expect(exit.code).toBe(1)
    expect(exit.stderr.split('\n')).toEqual([
      `sent 2 bytes to 127.0.0.1:${device.port}`,
      'error got 0 of 1 answer within 30 ms',
      '',
    ])
  })

  it('--eol crlf and lf end each datagram; hex: TEXT is bytes as written, with no line end', async () => {
    const device = await peer()
    for (const [args, bytes] of [
      [['a', '--eol', 'crlf'], 'a\r\n'],
      [['b', '--eol', 'LF'], 'b\n'],
      [['c', '--eol', 'none'], 'c'],
      [['hex:68', '69', '0a', '--eol', 'crlf'], 'hi\n'],
      // Bytes already: --encoding hex has nothing to check or convert.
      [['hex:6869', '--encoding', 'hex'], 'hi'],
    ] as const) {
      expect((await runInProc(['send', String(device.port), ...args, '-q'])).code).toBe(0)
      expect((await device.next()).data.toString()).toBe(bytes)
    }
  })

  it('`-` sends one datagram per stdin line, with --eol', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), '-', '--eol', 'lf', '-q'], { input: 'one\ntwo\r\n' })
    expect(exit).toEqual({ code: 0, stdout: '', stderr: '' })
    expect((await device.next()).data.toString()).toBe('one\n')
    expect((await device.next()).data.toString()).toBe('two\n')
  })

  it('--repeat N --every MS sends N numbered datagrams, {seq} counting from 1', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), 'n{seq}', '--repeat', '3', '--every', '1', '-q'])
    expect(exit.code).toBe(0)
    const got = [await device.next(), await device.next(), await device.next()].map((r) => r.data.toString())
    expect(got).toEqual(['n1', 'n2', 'n3'])
  })

  it('--every without --repeat sends until a signal', async () => {
    const device = await peer()
    const sending = startInProc(['send', String(device.port), 'tick {seq}', '--every', '1', '-q'])
    for (const n of [1, 2, 3]) expect((await device.next()).data.toString()).toBe(`tick ${n}`)
    sending.kill('SIGINT')
    expect((await sending.exited).code).toBe(0)
  })

  it('sends to a contact of the config by name, and names it in what it prints', async () => {
    const device = await peer()
    const config = writeConfig(`export default { peers: { bob: '127.0.0.1:${device.port}' } }`)
    const sending = startInProc(['send', 'bob', 'hi', '-c', config, '--count', '1', '--json'])
    const asked = await device.next()
    await device.send('yo', asked.from.port)
    const exit = await sending.exited
    expect(events(exit.stdout, 'message')).toMatchObject([{ peer: 'bob', text: 'yo' }])
    expect(exit.code).toBe(0)
  })

  it('exits 2 with one line for an unknown contact or a target without a port to send to', async () => {
    const unknown = await runInProc(['send', 'nobody', 'hi'])
    expect(unknown).toMatchObject({ code: 2, stdout: '' })
    expect(unknown.stderr).toBe('chat: Unknown target `nobody`: expected a contact name or HOST:PORT\n')
    const zero = await runInProc(['send', '127.0.0.1:0', 'hi'])
    expect(zero.code).toBe(2)
    expect(zero.stderr).toBe("chat: Cannot send to `127.0.0.1:0`: a target's port is 1-65535\n")
  })

  it('sends to [::1]:PORT without --host: the socket binds the family of the target', async () => {
    const socket = dgram.createSocket('udp6')
    await new Promise<void>((resolve) => socket.bind(0, '::1', resolve))
    const got = new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())))
    try {
      const exit = await runInProc(['send', `[::1]:${socket.address().port}`, 'hi v6', '--json'])
      expect(exit.stderr).toBe('')
      expect(exit.code).toBe(0)
      expect(events(exit.stdout, 'listening')).toMatchObject([{ family: 'IPv6' }])
      expect(await got).toBe('hi v6')
    } finally {
      socket.close()
    }
  })
})

describe('chat send, in process, with a config', () => {
  it("runs only the config's plugins that shape the wire (a codec, not a logger or a bot)", async () => {
    const device = await peer()
    const config = writeConfig(
      `import { codec, logger, uppercaseEcho } from '@/plugins/index.ts'
export default { plugins: [codec('utf-8'), logger(), uppercaseEcho()] }`,
    )
    const exit = await runInProc(['send', String(device.port), 'hello', '-c', config, '--json'])
    expect(exit.code).toBe(0)
    expect((await device.next()).data.toString()).toBe('hello')
    expect(events(exit.stdout, 'listening').map((e) => e.plugins)).toEqual([['codec']])
  })
})

describe('chat join, in process, to an IPv6 relay', () => {
  it('joins [::1]:PORT without --host', async () => {
    const relay = dgram.createSocket('udp6')
    await new Promise<void>((resolve) => relay.bind(0, '::1', resolve))
    const got = new Promise<string>((resolve) => relay.once('message', (data) => resolve(data.toString())))
    try {
      const joined = startInProc(['join', `[::1]:${relay.address().port}`, '--json'])
      expect(await joined.event('listening')).toMatchObject({ host: '::', family: 'IPv6' })
      expect(await got).toBe('^hb^')
      joined.end()
      expect((await joined.exited).code).toBe(0)
    } finally {
      relay.close()
    }
  })
})
