import { describe, expect, it } from 'vitest'
import { formatMessage, formatTrace, messageJson, styleOf } from '../../cli/_output.ts'
import { ChatError } from '../../core/errors.ts'
import type { ChatEvent, Message } from '../../core/index.ts'
import { outputIn } from '../helpers/output.ts'

const AT = Date.UTC(2026, 0, 1, 12, 0, 1, 250)
const TIME = new Date(AT).toTimeString().slice(0, 8)
const alice = { host: '127.0.0.1', port: 5000, family: 'IPv4' as const }
const message = (text: string, over: Partial<Message> = {}): Message => ({
  text,
  from: alice,
  at: AT,
  bytes: new TextEncoder().encode(text),
  encoding: 'utf-8',
  meta: {},
  ...over,
})
const plain = styleOf({ stdout: { isTTY: false }, env: {} } as never)
const tty = styleOf({ stdout: { isTTY: true }, env: { TERM: 'xterm' } } as never)

describe('formatMessage', () => {
  it('`TIME FROM: text`, the line end left off (\\n, \\r\\n or \\r, once), the contact name for the sender', () => {
    expect(formatMessage(message('hi\r\n'), plain)).toBe(`${TIME} 127.0.0.1:5000: hi`)
    expect(formatMessage(message('hi\n\n'), plain)).toBe(`${TIME} 127.0.0.1:5000: hi\n`)
    expect(formatMessage(message('hi\r'), plain)).toBe(`${TIME} 127.0.0.1:5000: hi`)
    expect(formatMessage(message('a\rb'), plain)).toBe(`${TIME} 127.0.0.1:5000: a\rb`)
    expect(formatMessage(message('hi', { meta: { peer: 'amy' } }), plain)).toBe(`${TIME} amy: hi`)
  })

  it('hex: the byte count and a dump; bytes that did not decode: the text, a warning, and the dump', () => {
    expect(formatMessage(message('hi'), plain, true)).toBe(
      `${TIME} 127.0.0.1:5000: 2 bytes\n  0000  68 69${' '.repeat(44)}hi`,
    )
    const bad = message('\ufffdA', { bytes: new Uint8Array([0xff, 0x41]), malformed: true })
    const dump = `  0000  ff 41${' '.repeat(44)}.A`
    expect(formatMessage(bad, plain)).toBe(
      `${TIME} 127.0.0.1:5000: \ufffdA [utf-8: some bytes did not decode; 2 bytes:]\n${dump}`,
    )
    expect(formatMessage(bad, plain, true)).toBe(formatMessage(bad, plain))
  })

  it('on a terminal: the time dim, the sender cyan, the warning yellow, what the network sent escaped', () => {
    const bad = message('\x1b[2J', { bytes: new Uint8Array([0x1b, 0xff]), malformed: true, from: alice })
    expect(formatMessage(bad, tty).split('\n')[0]).toBe(
      `\x1b[2m${TIME}\x1b[0m \x1b[36m127.0.0.1:5000\x1b[0m: \\e[2J\x1b[33m [utf-8: some bytes did not decode; 2 bytes:]\x1b[0m`,
    )
    expect(formatMessage(message('x', { meta: { peer: 'a\x07' } }), tty)).toContain('\x1b[36ma\\x07\x1b[0m')
  })
})

describe('messageJson', () => {
  it('every field, the time as ISO, malformed always a boolean', () => {
    expect(messageJson(message('hi', { meta: { peer: 'amy' } }))).toEqual({
      event: 'message',
      from: '127.0.0.1:5000',
      peer: 'amy',
      text: 'hi',
      bytes: 2,
      hex: '6869',
      encoding: 'utf-8',
      malformed: false,
      at: '2026-01-01T12:00:01.250Z',
    })
    expect(messageJson(message('hi'))).toMatchObject({ peer: null, malformed: false })
  })
})

describe('formatTrace', () => {
  it('a head line, then one line per hook in aligned columns, details after what it did, times to 3 places', () => {
    const text = formatTrace(
      {
        direction: 'outbound',
        peer: alice,
        text: 'hi "you"',
        outcome: 'sent',
        steps: [
          { plugin: 'codec', hook: 'encode', did: 'encoded', ms: 0.12345 },
          { plugin: 'uppercaseEcho', hook: 'outbound', did: 'changed', detail: '"HI"', ms: 12.5 },
        ],
      },
      (t) => `<${t}>`,
    )
    expect(text).toBe(
      'trace -> 127.0.0.1:5000 "hi \\"you\\"": sent\n' +
        '  codec          encode    encoded       <0.123 ms>\n' +
        '  uppercaseEcho  outbound  changed "HI"  <12.500 ms>\n',
    )
    expect(formatTrace({ direction: 'inbound', peer: alice, text: 'x', outcome: 'delivered', steps: [] }, String)).toBe(
      'trace <- 127.0.0.1:5000 "x": delivered (no hooks)\n',
    )
  })
})

describe("the output's event handler", () => {
  const error = (over: Partial<Extract<ChatEvent, { type: 'error' }>>): ChatEvent => ({
    type: 'error',
    error: new Error('boom'),
    ...over,
  })

  it('--json: error events with their code (E_PLUGIN unless a ChatError says), plugin, hook and peer', () => {
    const { output, events, text } = outputIn('/', { json: true })
    const print = output.handler()
    print(error({ plugin: 'p', hook: 'inbound', peer: alice }))
    print(error({ error: new ChatError('E_SEND', 'no route') }))
    expect(events()).toEqual([
      { event: 'error', code: 'E_PLUGIN', message: 'boom', plugin: 'p', hook: 'inbound', peer: '127.0.0.1:5000' },
      { event: 'error', code: 'E_SEND', message: 'no route' },
    ])
    expect(text.stderr).toBe('error plugin "p" (inbound, 127.0.0.1:5000): boom\nerror no route\n')
  })

  it("--json: a plugin's status that JSON cannot write (a cycle, a bigint) is an error line of the plugin, not a throw at it", () => {
    const { output, events } = outputIn('/', { json: true })
    const print = output.handler()
    const cyclic: Record<string, unknown> = { state: 'up' }
    cyclic.self = cyclic
    expect(() => print({ type: 'status', plugin: 'bridge', status: cyclic })).not.toThrow()
    expect(() => print({ type: 'status', plugin: 'bridge', status: { seen: 1n } })).not.toThrow()
    expect(events().map((e) => [e.event, e.code, e.plugin, String(e.message).split(':')[0]])).toEqual([
      ['error', 'E_PLUGIN', 'bridge', 'its status (ctx.report) cannot be written as JSON'],
      ['error', 'E_PLUGIN', 'bridge', 'its status (ctx.report) cannot be written as JSON'],
    ])
  })

  it('--verbose: an error’s stack after it; without, the line alone', () => {
    const verbose = outputIn('/', { verbose: true })
    verbose.output.handler()(error({}))
    expect(verbose.text.stderr).toMatch(/^error boom\ndebug Error: boom\n {4}at /)
    const quiet = outputIn('/')
    quiet.output.handler()(error({}))
    expect(quiet.text.stderr).toBe('error boom\n')
  })

  it("--json: a plugin's status, a trace with times rounded to 0.001 ms; closed and listening print nothing", () => {
    const { output, text } = outputIn('/', { json: true })
    const print = output.handler()
    print({ type: 'status', plugin: 'bridge', status: { state: 'down', tries: 3 } })
    print({
      type: 'trace',
      trace: {
        direction: 'inbound',
        peer: alice,
        text: 'x',
        outcome: 'dropped',
        steps: [{ plugin: 'p', hook: 'inbound', did: 'dropped', detail: 'spam', ms: 1.23456 }],
      },
    })
    print({ type: 'closed' })
    print({ type: 'listening', address: alice })
    expect(
      text.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { event: 'status', plugin: 'bridge', state: 'down', tries: 3 },
      {
        event: 'trace',
        direction: 'inbound',
        peer: '127.0.0.1:5000',
        text: 'x',
        outcome: 'dropped',
        steps: [{ plugin: 'p', hook: 'inbound', did: 'dropped', detail: 'spam', ms: 1.235 }],
      },
    ])
    expect(text.stderr).toBe('')
  })

  it('sent, drop and message events: nothing without --json or --verbose, except messages unless told', () => {
    const { output, text } = outputIn('/')
    const sent: ChatEvent = { type: 'sent', to: alice, text: 'hi', bytes: 2 }
    const drop: ChatEvent = { type: 'drop', plugin: 'f', reason: 'r', direction: 'inbound', peer: alice, text: 't' }
    output.handler()(sent)
    output.handler()(drop)
    output.handler({ messages: false })({ type: 'message', message: message('hidden') })
    expect(text).toEqual({ stdout: '', stderr: '' })
    output.handler()({ type: 'message', message: message('shown') })
    expect(text.stdout).toBe(`${TIME} 127.0.0.1:5000: shown\n`)
  })

  it('--verbose without --json: a sent line naming the contact or address and the plugin that sent it', () => {
    const { output, text } = outputIn('/', { verbose: true })
    output.handler()({ type: 'sent', to: alice, text: 'hi', bytes: 2 })
    output.handler()({ type: 'sent', to: alice, peer: 'amy', text: 'hi', bytes: 3, plugin: 'echo' })
    expect(text.stderr).toBe('debug sent 2 bytes to 127.0.0.1:5000\ndebug sent 3 bytes to amy (by echo)\n')
    expect(text.stdout).toBe('')
  })

  it('datagramEvents: which per-datagram events the handler needs built', () => {
    expect(outputIn('/').output.datagramEvents()).toEqual(['message'])
    expect(outputIn('/').output.datagramEvents({ messages: false })).toEqual([])
    expect(outputIn('/', { verbose: true }).output.datagramEvents({ messages: false })).toEqual(['sent'])
    expect(outputIn('/', { json: true }).output.datagramEvents({ messages: false })).toEqual(['message', 'sent'])
  })
})
