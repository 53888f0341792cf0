import * as v from 'valibot'
import { definePlugin, formatAddress, type Address } from '../core/index.ts'
import { BatchedFile } from './_batched-file.ts'

const Options = v.optional(
  v.object({
    /** A JSONL transcript: one line per message received or sent. */
    file: v.optional(v.pipe(v.string('a file path'), v.minLength(1, 'a file path'))),
    /** Log each message through the console logger too. @default true without `file`, false with it */
    console: v.optional(v.boolean('true or false')),
    /** Write the transcript at least this often, in ms (lines are batched). @default 200 */
    flushInterval: v.optional(v.pipe(v.number(), v.minValue(1)), 200),
  }),
  {},
)

export type LoggerOptions = v.InferInput<typeof Options>

/** Logs every message received and sent: to the console, and/or to a JSONL transcript (flushed on shutdown). */
export function logger(options?: LoggerOptions) {
  let transcript: BatchedFile | undefined

  return definePlugin({
    name: 'logger',
    schema: Options,
    options,
    async setup(ctx) {
      const path = ctx.options.file
      if (!path) return
      const file = await BatchedFile.open(path, (error) => ctx.logger.error(`Cannot write ${path}: ${String(error)}`))
      transcript = file
      ctx.setInterval(() => file.flush(), ctx.options.flushInterval)
    },
    inbound(message, ctx) {
      const { file, console = !file } = ctx.options
      const peer = message.meta.peer as string | undefined
      if (console) ctx.logger.info(`<- ${label(message.from, peer)}: ${message.text}`)
      if (transcript) {
        // Built by hand: JSON.stringify of the whole entry and a Date per line were most of the cost.
        transcript.append(`{"at":"${isoTime(message.at)}","dir":"in","from":"${formatAddress(message.from)}"${peer === undefined ? '' : `,"peer":${JSON.stringify(peer)}`},"text":${JSON.stringify(message.text)},"bytes":${message.bytes.byteLength},"encoding":${JSON.stringify(message.encoding)}${message.malformed ? ',"malformed":true' : ''}}\n`)
      }
    },
    outbound(message, ctx) {
      const { file, console = !file } = ctx.options
      const peer = message.meta.peer as string | undefined
      if (console) ctx.logger.info(`-> ${label(message.to, peer)}: ${message.text}`)
      transcript?.append(`{"at":"${isoTime(Date.now())}","dir":"out","to":"${formatAddress(message.to)}"${peer === undefined ? '' : `,"peer":${JSON.stringify(peer)}`},"text":${JSON.stringify(message.text)}}\n`)
    },
    async dispose() {
      const file = transcript
      transcript = undefined
      await file?.close()
    },
  })
}

let lastMs = NaN
let lastIso = ''
/** ISO time of a ms timestamp; messages come many to a millisecond, so the last one is kept. */
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms
    lastIso = new Date(ms).toISOString()
  }
  return lastIso
}

function label(address: Address, peer: string | undefined): string {
  return peer ? `${peer} (${formatAddress(address)})` : formatAddress(address)
}
