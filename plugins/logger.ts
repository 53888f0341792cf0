import { Buffer } from 'node:buffer'
import * as v from 'valibot'
import { definePlugin, formatAddress, type Address, type Message, type Plugin } from '../core/index.ts'
import type { Agree, WithDefaults } from './_options.ts'
import { BACKLOG_BYTES, BatchedFile, type WriteTrouble } from './_batched-file.ts'
import { jsonChars } from './_jsonl.ts'

/** The options of `logger()`. */
export interface LoggerOptions {
  /**
   * A JSONL transcript: one line per message received or sent, appended to. A relative path is
   * taken from the working directory `chat` runs in (as Vite's `root`), not the config's folder.
   */
  file?: string
  /** Log each message through the console logger too. @default true without `file`, false with it */
  console?: boolean
  /** Write the transcript at least this often, in ms (lines are batched). @default 200 */
  flushInterval?: number
}

/** `logger()`'s options with their defaults (its `ctx.options`). */
export type LoggerSettings = WithDefaults<LoggerOptions, 'flushInterval'>

// Built per plugin rather than at module level, where the mutation tests cannot switch a change
// on per test (docs/mutation-equivalents.md).
function optionsSchema() {
  return v.optional(
    v.object({
      file: v.optional(v.pipe(v.string('a file path'), v.minLength(1, 'a file path'))),
      console: v.optional(v.boolean('true or false')),
      flushInterval: v.optional(v.pipe(v.number(), v.minValue(1)), 200),
    }),
    {},
  )
}
type Options = ReturnType<typeof optionsSchema>

type _Checked = [Agree<v.InferInput<Options>, LoggerOptions | undefined>, Agree<v.InferOutput<Options>, LoggerSettings>]

/**
 * Logs every message received and sent: to the console, and/or to a JSONL transcript (flushed on
 * shutdown). A write that fails is reported once; its lines wait (up to 8 MiB) to be written
 * again, and the count of lines that never were is reported at the end.
 */
export function logger(options?: LoggerOptions): Plugin<LoggerSettings> {
  let transcript: BatchedFile | undefined
  let toConsole = false
  // Lines are made from parts kept (as bytes) while they repeat: JSON.stringify of each piece,
  // a Date and an address string per line were most of the transcript's cost.
  const inHead = new LineHead('"dir":"in","from"')
  const outHead = new LineHead('"dir":"out","to"')
  const inTail = new InboundTail()
  // The end of an outbound line, after its text. (Made per plugin, as the schema: docs/mutation-equivalents.md.)
  const outTail = Buffer.from('"}\n')

  return definePlugin({
    name: 'logger',
    schema: optionsSchema(),
    options,
    async setup(ctx) {
      const path = ctx.options.file
      toConsole = ctx.options.console ?? !path
      if (!path) return
      const file = await BatchedFile.open(path, (trouble) => reportTrouble(ctx.logger, path, trouble, file?.lost ?? 0))
      transcript = file
      ctx.setInterval(() => file.flush(), ctx.options.flushInterval)
    },
    inbound(message, ctx) {
      const peer = message.meta.peer as string | undefined
      if (toConsole) ctx.logger.info(`<- ${label(message.from, peer)}: ${message.text}`)
      transcript?.append(jsonChars(message.text), inHead.at(message.at, message.from, peer), inTail.of(message))
    },
    // Written once the datagram left, so a message that a limit or the socket stopped has no `out` line.
    sent(message, ctx) {
      const peer = message.meta.peer as string | undefined
      if (toConsole) ctx.logger.info(`-> ${label(message.to, peer)}: ${message.text}`)
      transcript?.append(jsonChars(message.text), outHead.at(Date.now(), message.to, peer), outTail)
    },
    async dispose(ctx) {
      const file = transcript
      transcript = undefined
      if (!file) return
      await file.close()
      if (file.lost === 0) return
      ctx.logger.warn(`${file.lost} line${file.lost === 1 ? ' was' : 's were'} not written to ${ctx.options.file}`)
      ctx.report({ file: ctx.options.file, unwritten: file.lost })
    },
  })
}

/**
 * The start of a transcript line, up to its text: `{"at":"…","dir":"in","from":"…","peer":…,"text":"`.
 * Messages come many to a millisecond and from few peers, so it is built again only when the
 * second, the address or the peer changes; a new millisecond of the same second has its three
 * digits written over the old ones (at a few messages a millisecond or fewer, every line had a
 * new millisecond and paid for a date string, an address string and their encoding).
 */
class LineHead {
  private ms = Number.NaN
  /** The start of the second `head` was built in (NaN unless a whole millisecond), and where its ms digits are. */
  private second = Number.NaN
  private digits = 0
  private host = ''
  private port = -1
  private peer: string | undefined
  private head = new Uint8Array(0)

  constructor(private readonly dirFields: string) {}

  at(ms: number, address: Address, peer: string | undefined): Uint8Array {
    if (address.host === this.host && address.port === this.port && peer === this.peer) {
      if (ms === this.ms) return this.head
      const inSecond = ms - this.second
      if (inSecond >= 0 && inSecond < 1000 && Number.isInteger(ms)) {
        const head = this.head
        head[this.digits] = 48 + Math.floor(inSecond / 100)
        head[this.digits + 1] = 48 + (Math.floor(inSecond / 10) % 10)
        head[this.digits + 2] = 48 + (inSecond % 10)
        this.ms = ms
        return head
      }
    }
    this.ms = ms
    this.host = address.host
    this.port = address.port
    this.peer = peer
    const at = new Date(ms).toISOString()
    // Down to the second, before 1970 too; `.mmmZ` ends every date string.
    this.second = Number.isInteger(ms) ? ms - (((ms % 1000) + 1000) % 1000) : Number.NaN
    this.digits = '{"at":"'.length + at.length - 4
    const peerField = peer === undefined ? '' : `,"peer":${JSON.stringify(peer)}`
    this.head = Buffer.from(`{"at":"${at}",${this.dirFields}:"${formatAddress(address)}"${peerField},"text":"`)
    return this.head
  }
}

/**
 * The end of an inbound line, after its text: `","bytes":64,"encoding":"utf-8"}` and the newline.
 * Messages come in few encodings but in many sizes: one tail is kept per count of digits in the
 * size, and a new size has its digits written over the old ones (where a new string and its
 * encoding cost each line of a chat whose lines differ in length about 400 ns).
 */
class InboundTail {
  private readonly size = Buffer.from('","bytes":')
  private encoding: string | undefined
  private malformed = false
  /** What follows the size: the encoding, `malformed`, the end of the line. */
  private rest = new Uint8Array(0)
  /** By the count of digits in the size: the tail, and the size it holds now. */
  private readonly tails: Uint8Array[] = []
  private readonly sizes: number[] = []

  of(message: Message): Uint8Array {
    const bytes = message.bytes.length
    const malformed = message.malformed === true
    if (message.encoding !== this.encoding || malformed !== this.malformed) {
      this.encoding = message.encoding
      this.malformed = malformed
      this.rest = Buffer.from(
        `,"encoding":${JSON.stringify(message.encoding)}${malformed ? ',"malformed":true' : ''}}\n`,
      )
      this.tails.length = 0
    }
    let digits = 1
    for (let n = bytes; n >= 10; n = Math.floor(n / 10)) digits++
    let tail = this.tails[digits]
    if (tail === undefined) {
      tail = Buffer.allocUnsafe(this.size.length + digits + this.rest.length)
      tail.set(this.size, 0)
      tail.set(this.rest, this.size.length + digits)
      this.tails[digits] = tail
      this.sizes[digits] = -1
    }
    if (this.sizes[digits] !== bytes) {
      this.sizes[digits] = bytes
      for (let i = this.size.length + digits - 1, n = bytes; i >= this.size.length; i--, n = Math.floor(n / 10))
        tail[i] = 48 + (n % 10)
    }
    return tail
  }
}

function reportTrouble(
  log: { error(text: string): void; info(text: string): void },
  path: string,
  trouble: WriteTrouble,
  lost: number,
): void {
  if (trouble.recovered)
    return log.info(`Writing ${path} again${lost ? ` (${lost} lines could not be kept meanwhile)` : ''}`)
  log.error(
    `Cannot write ${path}: ${String(trouble.error)}; ` +
      `keeping its lines (up to ${BACKLOG_BYTES / 1024 / 1024} MiB) to write them when it works again`,
  )
}

function label(address: Address, peer: string | undefined): string {
  return peer ? `${peer} (${formatAddress(address)})` : formatAddress(address)
}
