import * as v from 'valibot'
import type { Message } from '../core/index.ts'
import type { Agree } from './_options.ts'
import { didYouMean } from '../core/suggest.ts'

/** Makes the broadcast line from a message and its sender's label (contact name or HOST:PORT). */
export type RelayFormat = (message: Message, from: string) => string

const Count = v.pipe(v.number(), v.integer('a whole number'), v.minValue(1, 'a whole number of 1 or more'))

/** The options of `relay()`. */
export interface RelayOptions {
  /**
   * Who is a member. `open`: anyone who sends anything (the tutorial protocol: plain sockets can
   * join, and anyone can forge a member, its lines and its `quit`). `proven`: a sender is let in
   * only once it has echoed a cookie sent to its address, and every datagram of a member carries
   * it (`chat join` and `heartbeat()` do this by themselves).
   * @default 'open'
   */
  members?: 'open' | 'proven'
  /** Seconds of silence after which a member is dropped. @default 60 */
  timeout?: number
  /** The broadcast line: `{from}`, `{text}`, `{host}`, `{port}` are filled in; or a function. @default '{from}: {text}' */
  format?: string | RelayFormat
  /** At most this many members; a new sender beyond it gets `full` and is not let in. @default 10000 */
  maxMembers?: number
  /** At most this many members from one IP address (IPv6: one /64). @default 16 */
  maxPerAddress?: number
  /**
   * The longest broadcast line, in characters, the sender's label included. A longer one is
   * dropped, not cut: a loop that grows a line (a relay and an echo server) then ends.
   * @default 1024
   */
  maxLine?: number
  /** The keep-alive datagram (surrounding whitespace ignored): keeps its sender a member, never broadcast. @default '^hb^' */
  heartbeat?: string
  /** The datagram (surrounding whitespace ignored) with which a member leaves. @default 'quit' */
  quit?: string
  /** Sent to every live member when the relay stops (with the member's cookie, when `proven`). @default 'Bye!' */
  bye?: string
  /**
   * Sent to a sender refused for a full room, when it is not longer than what the sender sent.
   * @default 'The room is full.'
   */
  full?: string
}

/** `relay()`'s options with their defaults (its `ctx.options`): every one is there. */
export type RelaySettings = Required<RelayOptions>

/** The fields a `format` template fills in (plugins/relay.ts). */
export const FIELDS = ['from', 'text', 'host', 'port'] as const

/** The first `{word}` of a template that is not one of `FIELDS`: a typo would go out as it is. */
function unknownField(template: string): string | undefined {
  for (const [, field] of template.matchAll(/\{(\w+)\}/g))
    if (!(FIELDS as readonly string[]).includes(field!)) return field
  return undefined
}

/** The schema of `RelayOptions`. */
export const Options = v.optional(
  v.object({
    members: v.optional(v.picklist(['open', 'proven'], "'open' or 'proven'"), 'open'),
    timeout: v.optional(v.pipe(v.number('a number of seconds'), v.minValue(0.01, 'a number of seconds above 0')), 60),
    format: v.optional(
      v.union(
        [
          v.pipe(
            v.string(),
            v.check(
              (template) => unknownField(template) === undefined,
              (issue) => {
                const field = unknownField(issue.input as string)!
                const like = didYouMean(field, FIELDS, (f) => `\`{${f}}\``)
                return `a template of {from}, {text}, {host} and {port} (\`{${field}}\` is none of them${like})`
              },
            ),
          ),
          v.custom<RelayFormat>((x) => typeof x === 'function'),
        ],
        'a template string such as `{from}: {text}`, or a function',
      ),
      '{from}: {text}',
    ),
    maxMembers: v.optional(Count, 10_000),
    maxPerAddress: v.optional(Count, 16),
    maxLine: v.optional(Count, 1024),
    heartbeat: v.optional(v.string('a string'), '^hb^'),
    quit: v.optional(v.string('a string'), 'quit'),
    bye: v.optional(v.string('a string'), 'Bye!'),
    full: v.optional(v.string('a string'), 'The room is full.'),
  }),
  {},
)

type _Checked = [
  Agree<v.InferInput<typeof Options>, RelayOptions | undefined>,
  Agree<v.InferOutput<typeof Options>, RelaySettings>,
]
export type Resolved = RelaySettings
