import { writeLine, type Cli } from '../_io.ts'
import { createInterface } from 'node:readline'
import { ChatError, describeError, formatAddress, isChatError, parseHex, type Address, type Chat } from '../_core.ts'
import { defineCommand, formatHelp, parseCount, parseFlags, sessionFlags } from '../_args.ts'
import { parseEol, parseMs, toWire } from '../_flags.ts'
import { fillPlaceholders } from '../../plugins/schedule.ts'
import { isHexEncoding } from '../../plugins/codec.ts'
import { counted, createOutput, type Output } from '../_output.ts'
import { startSession } from '../_session.ts'
import { bindForTarget, wireOnly } from '../_config.ts'

export const spec = defineCommand({
  name: 'send',
  usage: [
    'send TARGET TEXT... [--wait MS] [--count N] [--repeat N] [--every MS]',
    'send TARGET -          (one datagram per line of stdin)',
  ],
  summary: 'send one datagram (or `-`: one per stdin line), print the answers, exit',
  about: `Sends one datagram to TARGET (a contact name from the config, HOST:PORT, or a bare PORT
on 127.0.0.1), prints what comes back within --wait, and exits. The socket binds port 0
unless --port says otherwise. A TEXT that starts with hex: is bytes written in hex
(hex:68 69 0d 0a; spaces, 0x and \\x are forgiven), sent exactly as written.
Of the config (--config, or chat.config.* here), it uses the contacts, the host, and the
plugins that shape the wire (a codec, a signed room's keys); bots, relays and the
transcript belong to the chat or server the config describes, and do not run here.`,
  flags: {
    // No -w: it is --watch elsewhere, and a flag means one thing whichever command it is given to.
    wait: {
      value: 'MS',
      help:
        'after the last send, print what arrives for MS milliseconds\n' +
        '(default: 1000 when stdout is a terminal, else 0; with --count, no limit)',
      parse: parseMs,
    },
    count: {
      short: 'n',
      value: 'N',
      help: 'stop waiting after N messages; exit 1 if fewer came within --wait',
      parse: parseCount,
    },
    eol: {
      value: 'EOL',
      help: 'end each datagram with lf (\\n), crlf (\\r\\n) or none (default: none)',
      parse: parseEol,
    },
    repeat: {
      value: 'N',
      help: 'send the text N times (placeholders: {seq} = 1, 2, ..., {time} = HH:MM:SS)',
      parse: parseCount,
    },
    every: {
      value: 'MS',
      help: 'time between repeated sends (default 1000; without --repeat: until Ctrl-C)',
      parse: parseMs,
    },
    ...sessionFlags,
  },
})

export async function send(argv: string[], cli: Cli): Promise<number> {
  const { values, positionals } = parseFlags(spec, argv)
  if (values.help) return (void writeLine(cli.io.stdout, formatHelp(spec)), 0)
  const [target, ...words] = positionals
  if (target === undefined)
    throw new ChatError('E_USAGE', 'Missing TARGET: chat send TARGET TEXT... (see chat send --help)')
  if (words.length === 0)
    throw new ChatError('E_USAGE', 'Missing TEXT: chat send TARGET TEXT..., or `-` to read lines from stdin')
  const { count, repeat, every } = values
  const eol = values.eol ?? ''
  const stdin = words.length === 1 && words[0] === '-'
  if (stdin && (repeat !== undefined || every !== undefined))
    throw new ChatError('E_USAGE', '--repeat and --every repeat a TEXT, not stdin (`-`)')
  if (!stdin) {
    // A TEXT that is not what it says is a usage error (exit 2): `hex:zz`, or text that
    // `--encoding hex` cannot write (its codec would drop it once the socket is up).
    const wire = toWire(words.join(' '), eol)
    if (values.encoding !== undefined && isHexEncoding(values.encoding) && typeof wire === 'string') parseHex(wire)
  }
  const wait = values.wait ?? (count !== undefined ? Infinity : cli.io.stdout.isTTY === true ? 1000 : 0)

  const output = createOutput(values, cli)
  const print = output.handler()
  let received = 0
  let enough: () => void = () => {}
  const answered = new Promise<void>((resolve) => (enough = resolve))
  const session = await startSession(output, values, {
    port: 0,
    announce: false,
    shape: (config) => wireOnly(bindForTarget(config, target, values)),
    onEvent(event) {
      print(event)
      if (event.type === 'sent' && !event.plugin && !values.json)
        output.logger.info(`sent ${counted(event.bytes, 'byte')} to ${event.peer ?? formatAddress(event.to)}`)
      if (event.type === 'message' && count !== undefined && ++received >= count) enough()
    },
  })
  const { chat, signal } = session
  const stopped = Promise.race([answered, signal])
  let failed = 0
  try {
    const to = await chat.resolve(target)
    const say = async (text: string) => {
      if (!(await sendOne(chat, output, text, eol, to))) failed++
    }
    if (stdin) {
      let lines = 0
      for await (const line of createInterface({ input: cli.io.stdin, crlfDelay: Infinity })) {
        lines++
        await say(line)
      }
      // Not a failure (an empty file is a file), but not silence either: a script's mistake shows.
      if (lines === 0) output.logger.info('no lines on stdin; nothing sent')
    } else if (repeat !== undefined || every !== undefined) {
      const plan = { times: repeat ?? Infinity, every: every ?? 1000, stopped: signal.then(() => {}) }
      await repeatSend(words.join(' '), plan, say)
    } else {
      await say(words.join(' '))
    }
    if (failed === 0 && wait > 0) await Promise.race([stopped, ...(wait === Infinity ? [] : [delay(wait)])])
  } finally {
    await session.close()
  }
  if (failed) return 1
  if (count !== undefined && received < count) {
    output.logger.error(`got ${received} of ${counted(count, 'answer')} within ${wait} ms`)
    return 1
  }
  return 0
}

/** Sends one datagram; a failure is printed (and a JSON `error` event), and answers false. */
async function sendOne(chat: Chat, output: Output, text: string, eol: string, to: Address): Promise<boolean> {
  try {
    await chat.send(toWire(text, eol), to)
    return true
  } catch (error) {
    output.event('error', { code: isChatError(error) ? error.code : 'E_SEND', message: describeError(error) })
    output.logger.error(describeError(error))
    return false
  }
}

/** Sends `times` copies, `every` ms apart (measured from the first, so a slow send does not drift), until stopped. */
async function repeatSend(
  text: string,
  plan: { times: number; every: number; stopped: Promise<void> },
  say: (text: string) => Promise<void>,
): Promise<void> {
  let stop = false
  void plan.stopped.then(() => (stop = true))
  const start = performance.now()
  for (let seq = 1; seq <= plan.times && !stop; seq++) {
    await say(fillPlaceholders(text, seq))
    if (seq === plan.times) break
    const due = start + seq * plan.every - performance.now()
    if (due > 0) await Promise.race([plan.stopped, delay(due)])
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
