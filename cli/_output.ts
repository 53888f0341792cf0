import { format, formatWithOptions } from 'node:util'
import { forStream } from './_visible.ts'
import type { Cli, Io, OutStream } from './_io.ts'
import { createConsola, type ConsolaInstance, type ConsolaReporter } from 'consola'
import {
  ChatError,
  describeEvent,
  describeError,
  formatAddress,
  hexDump,
  isChatError,
  toHex,
  type ChatEvent,
  type ChatEventHandler,
  type GuardCounts,
  type Message,
  type Trace,
} from './_core.ts'

export interface OutputOptions {
  json?: boolean
  /** Show each datagram as a hex dump (datagrams that are not text in the encoding always are). */
  hex?: boolean
  verbose?: boolean
  quiet?: boolean
}

/** Where a command writes: messages and JSON to stdout, logs to stderr. */
export interface Output extends Cli {
  readonly logger: ConsolaInstance
  readonly options: OutputOptions
  /** Colour and escaping for stdout. */
  readonly style: Style
  /** Writes to a stream, above the prompt while there is one. */
  write(stream: OutStream, text: string): void
  /** The prompt every later line prints above (the interactive chat's), or none. */
  usePrompt(prompt: Prompt | undefined): void
  /** Writes a line to stdout. */
  line(text: string): void
  /** Prints a JSON event line (only with --json). */
  event(name: string, fields: Record<string, unknown>): void
  /** The handler to give `createChat`: prints each event as the flags ask. */
  handler(extra?: { messages?: boolean }): ChatEventHandler
  /** The per-datagram events that handler prints (`createChat`'s `datagramEvents`): the rest are not built. */
  datagramEvents(extra?: { messages?: boolean }): Array<'message' | 'sent'>
}

/** A prompt that output lines print above: cleared before each, drawn again after. */
export interface Prompt {
  clear(): void
  redraw(): void
}

/**
 * Colour on a terminal, as consola decides it (docs/runtimes.md): `NO_COLOR` turns it off,
 * `FORCE_COLOR` (other than `0` or `false`) turns it on even through a pipe.
 */
function colorOn(stream: OutStream, env: Io['env']): boolean {
  const { NO_COLOR, FORCE_COLOR, TERM } = env
  if (NO_COLOR) return false
  if (FORCE_COLOR !== undefined && FORCE_COLOR !== '') return FORCE_COLOR !== '0' && FORCE_COLOR !== 'false'
  return stream.isTTY === true && TERM !== 'dumb'
}

/** How text looks on stdout: colour where it is a terminal, network text escaped there. */
export interface Style {
  dim(text: string): string
  cyan(text: string): string
  yellow(text: string): string
  /** Text from the network: escaped where stdout is a terminal. */
  onStdout(text: string): string
}

/** The style of this run's stdout. */
export function styleOf(io: Io): Style {
  const color = colorOn(io.stdout, io.env)
  const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
  return { dim: paint(2), cyan: paint(36), yellow: paint(33), onStdout: forStream(io.stdout) }
}

const PREFIX: Record<string, [string, number]> = {
  error: ['error', 31],
  fatal: ['error', 31],
  warn: ['warning', 33],
  debug: ['debug', 2],
  trace: ['trace', 2],
}

/** An object as a terminal line shows it: an Error as `Error: message` (its stack is for --verbose), else inspected. */
const shown = (arg: unknown) => (arg instanceof Error ? String(arg) : format(arg))

/** One plain line per log entry on stderr: `warning [relay] text`; colour only on a terminal. */
function lineReporter(io: Io, write: Output['write']): ConsolaReporter {
  const errColor = colorOn(io.stderr, io.env)
  const onStderr = forStream(io.stderr)
  const terminal = io.stderr.isTTY === true
  return {
    log(entry) {
      // Plugins log what peers sent (a relay's keys, the logger's lines, an Error whose message
      // quotes a datagram): on a terminal all of it is shown escaped, objects as their text.
      const text = formatWithOptions(
        { colors: errColor },
        ...entry.args.map((arg) => (typeof arg === 'string' ? onStderr(arg) : terminal ? onStderr(shown(arg)) : arg)),
      )
      const [word, code] = PREFIX[entry.type] ?? ['', 0]
      const head = word ? (errColor ? `\x1b[${code}m${word}\x1b[0m ` : `${word} `) : ''
      const tag = entry.tag ? `[${entry.tag}] ` : ''
      write(io.stderr, `${head}${tag}${text}\n`)
    },
  }
}

export function createOutput(options: OutputOptions, cli: Cli): Output {
  let prompt: Prompt | undefined
  const { io } = cli
  const output: Output = {
    io,
    signals: cli.signals,
    style: styleOf(io),
    // The reporter calls through `output`, so log lines print above the prompt too.
    logger: createConsola({
      level: options.quiet ? 0 : options.verbose ? 4 : 3,
      reporters: [lineReporter(io, (stream, text) => output.write(stream, text))],
    }),
    options,
    write(stream, text) {
      if (!prompt) return void stream.write(text)
      prompt.clear()
      stream.write(text)
      prompt.redraw()
    },
    usePrompt: (next) => void (prompt = next),
    line: (text) => output.write(io.stdout, text + '\n'),
    event(name, fields) {
      if (options.json) output.line(JSON.stringify({ event: name, ...fields }))
    },
    handler({ messages = true } = {}) {
      return (event) => print(output, event, messages)
    },
    datagramEvents({ messages = true } = {}) {
      const { json, verbose } = options
      return [...(json || messages ? (['message'] as const) : []), ...(json || verbose ? (['sent'] as const) : [])]
    },
  }
  return output
}

function print(output: Output, event: ChatEvent, messages: boolean): void {
  const { json, verbose } = output.options
  switch (event.type) {
    case 'message':
      if (json) return output.line(JSON.stringify(messageJson(event.message)))
      if (messages) output.line(formatMessage(event.message, output.style, output.options.hex))
      return
    case 'sent':
      // A relay sends one per member per message: nothing is built unless it is shown.
      if (!json && !verbose) return
      output.event('sent', {
        to: formatAddress(event.to),
        peer: event.peer ?? null,
        text: event.text,
        bytes: event.bytes,
        plugin: event.plugin,
      })
      if (verbose && !json)
        output.logger.debug(
          `sent ${counted(event.bytes, 'byte')} to ${event.peer ?? formatAddress(event.to)}${event.plugin ? ` (by ${event.plugin})` : ''}`,
        )
      return
    case 'drop':
      if (!json && !verbose) return
      output.event('drop', {
        plugin: event.plugin,
        reason: event.reason,
        direction: event.direction,
        peer: formatAddress(event.peer),
        text: event.text,
      })
      output.logger.debug(
        `${event.plugin} dropped a message ${event.direction === 'inbound' ? 'from' : 'to'} ${formatAddress(event.peer)}: ${event.reason}`,
      )
      return
    case 'error':
      output.event('error', {
        code: isChatError(event.error) ? event.error.code : 'E_PLUGIN',
        message: describeError(event.error),
        plugin: event.plugin,
        hook: event.hook,
        peer: event.peer && formatAddress(event.peer),
      })
      output.logger.error(describeEvent(event))
      if (verbose && event.error.stack) output.logger.debug(event.error.stack)
      return
    case 'trace': {
      const { trace } = event
      if (json) {
        const steps = trace.steps.map((step) => ({ ...step, ms: Math.round(step.ms * 1000) / 1000 }))
        return output.line(
          JSON.stringify({
            event: 'trace',
            direction: trace.direction,
            peer: formatAddress(trace.peer),
            text: trace.text,
            outcome: trace.outcome,
            steps,
          }),
        )
      }
      output.write(output.io.stderr, formatTrace(trace, output.style.dim))
      return
    }
    case 'status':
      // The plugin says it in words through its logger; here only the numbers, for --json.
      try {
        output.event('status', { plugin: event.plugin, ...event.status })
      } catch (error) {
        // A cycle or a bigint in what a plugin reported: its mistake, said in one line, not thrown at its ctx.report().
        const why = `its status (ctx.report) cannot be written as JSON: ${describeError(error)}`
        print(output, { type: 'error', error: new ChatError('E_PLUGIN', why), plugin: event.plugin }, messages)
      }
      return
    case 'guard': {
      const { counts, total, lanes } = event
      output.event('guard', { ...counts, total, lanes })
      if (!json) output.logger.warn(describeGuard(counts, total, lanes))
      return
    }
    case 'listening':
    case 'closed':
      return
  }
}

/** `1 byte`, `2 bytes`: a count and its noun, in the plural unless it is one. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/** `turned away in the last second: 1200 datagrams over the per-source rate, ...` */
export function describeGuard(counts: GuardCounts, total: GuardCounts, lanes = 0): string {
  const parts = [
    counts.rateLimited && `${counted(counts.rateLimited, 'datagram')} over the per-source rate (limits.perSource)`,
    counts.unanswered && `${counted(counts.unanswered, 'answer')} over the answer budget (limits.answers)`,
    counts.amplification &&
      `${counted(counts.amplification, 'send')} to unproven addresses over the amplification limit (limits.amplification)`,
    counts.busy &&
      `${counted(counts.busy, 'datagram')} while the chat held all it may (plugins starting, or slow async hooks)`,
  ].filter(Boolean)
  const all = total.rateLimited + total.unanswered + total.amplification + total.busy
  const apart = lanes ? `; ${counted(lanes, 'peer')} queued apart (limits.lanes)` : ''
  return `guard: turned away in the last second: ${parts.join(', ')} (${all} in all)${apart}`
}

/** `trace <- 127.0.0.1:5000 "hi": delivered`, then one aligned line per hook. */
export function formatTrace(trace: Trace, dim: Style['dim']): string {
  const arrow = trace.direction === 'inbound' ? '<-' : '->'
  const head = `trace ${arrow} ${formatAddress(trace.peer)} ${JSON.stringify(trace.text)}: ${trace.outcome}`
  const rows = trace.steps.map((s) => [
    s.plugin,
    s.hook,
    s.detail === undefined ? s.did : `${s.did} ${s.detail}`,
    `${s.ms.toFixed(3)} ms`,
  ])
  const width = [0, 1, 2].map((i) => Math.max(0, ...rows.map((r) => r[i]!.length)))
  const lines = rows.map(
    (r) => `  ${r[0]!.padEnd(width[0]!)}  ${r[1]!.padEnd(width[1]!)}  ${r[2]!.padEnd(width[2]!)}  ${dim(r[3]!)}`,
  )
  return [trace.steps.length ? head : `${head} (no hooks)`, ...lines].join('\n') + '\n'
}

export function messageJson(message: Message) {
  return {
    event: 'message',
    from: formatAddress(message.from),
    peer: (message.meta.peer as string | undefined) ?? null,
    text: message.text,
    bytes: message.bytes.byteLength,
    hex: toHex(message.bytes, ''),
    encoding: message.encoding,
    malformed: message.malformed === true,
    at: new Date(message.at).toISOString(),
  }
}

const LINE_END = /\r?\n$|\r$/

/**
 * `12:00:01 alice: hello`; with `hex`, or for bytes that are not text in the encoding, the
 * byte count and a hex dump with the ASCII beside it.
 */
export function formatMessage(message: Message, style: Style, hex = false): string {
  const { dim, cyan, yellow, onStdout } = style
  const time = new Date(message.at).toTimeString().slice(0, 8)
  const who = (message.meta.peer as string | undefined) ?? formatAddress(message.from)
  const rows = hex || message.malformed ? hexDump(message.bytes).map((row) => `  ${row}`) : []
  if (hex && !message.malformed)
    return [`${dim(time)} ${cyan(onStdout(who))}: ${counted(message.bytes.byteLength, 'byte')}`, ...rows].join('\n')
  const flag = message.malformed
    ? yellow(` [${message.encoding}: some bytes did not decode; ${counted(message.bytes.byteLength, 'byte')}:]`)
    : ''
  // `nc -u` and most devices end a line with \n or \r\n: shown, it would be an empty line (--json keeps it).
  return [`${dim(time)} ${cyan(onStdout(who))}: ${onStdout(message.text.replace(LINE_END, ''))}${flag}`, ...rows].join(
    '\n',
  )
}
