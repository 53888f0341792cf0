import { formatAddress } from './address.ts'
import { describeEvent } from './events.ts'
import type { ChatEvent } from './events.ts'
import type { Message } from './message.ts'
import type { Trace } from './trace.ts'

/** A line a plugin logged through `ctx.logger`. */
export interface LogEntry {
  /** `info`, `warn`, `error`, `debug`... */
  level: string
  /** The plugin's name. */
  tag: string
  text: string
}

type Drop = Extract<ChatEvent, { type: 'drop' }>
type Failure = Extract<ChatEvent, { type: 'error' }>

/** What happened while one message was handled (from the send until every hook was done). */
export interface Delivery {
  /** The message as it came out of the inbound chain, if no hook dropped it. */
  readonly message: Message | undefined
  /** The drop, if a hook dropped the message (or a reply on its way out). */
  readonly drop: Drop | undefined
  /** What the peer received meanwhile (replies), decoded. */
  readonly replies: string[]
  /** Everything the chat sent meanwhile, to anyone. */
  readonly sent: Array<{ to: string; text: string; plugin?: string }>
  /** Errors reported meanwhile (a hook that threw or timed out). */
  readonly errors: Failure[]
  /** What the plugins logged meanwhile. */
  readonly logs: LogEntry[]
  /** Every event meanwhile. */
  readonly events: ChatEvent[]
  /** Each message's way through the hooks meanwhile (with `trace: true`). */
  readonly traces: Trace[]
  /**
   * Expects exactly one reply (equal to a string, or matching a RegExp); returns it. An extra or
   * duplicate reply fails the test: say how many are right with `count` (each must match), or
   * list different ones with `expectReplies`.
   */
  expectReply(expected?: string | RegExp, options?: ReplyOptions): string
  /** Expects exactly these replies, in this order (no more, no fewer); returns them. */
  expectReplies(expected: ReadonlyArray<string | RegExp>): string[]
  /** Expects no reply at all to this peer (the chat may have sent to others: see `expectNothingSent`). */
  expectNoReply(): void
  /** Expects that the chat sent nothing at all meanwhile: no reply, no broadcast, no plugin's send, to anyone. */
  expectNothingSent(): void
  /** Expects the message dropped (with a reason equal to a string, or matching a RegExp); returns the drop. */
  expectDrop(reason?: string | RegExp): Drop
  /** Expects the message delivered (with this text, if given); returns it. */
  expectDelivered(text?: string | RegExp): Message
}

/** Options of `expectReply`. */
export interface ReplyOptions {
  /** How many replies the peer must get, each matching. @default 1 */
  count?: number
}

const matches = (value: string, expected: string | RegExp) =>
  typeof expected === 'string' ? value === expected : expected.test(value)
const show = (expected: string | RegExp) => (typeof expected === 'string' ? JSON.stringify(expected) : String(expected))

/** Throws an `Error` any test runner reports: the kit does not depend on one. */
export class Expectations implements Delivery {
  readonly message: Message | undefined
  readonly drop: Drop | undefined
  readonly sent: Delivery['sent']
  readonly errors: Failure[]
  readonly traces: Trace[]

  constructor(
    private readonly who: string,
    readonly events: ChatEvent[],
    readonly logs: LogEntry[],
    readonly replies: string[],
  ) {
    this.message = events.findLast((e): e is Extract<ChatEvent, { type: 'message' }> => e.type === 'message')?.message
    this.drop = events.find((e): e is Drop => e.type === 'drop')
    this.errors = events.filter((e): e is Failure => e.type === 'error')
    this.traces = events.flatMap((e) => (e.type === 'trace' ? [e.trace] : []))
    this.sent = events.flatMap((e) =>
      e.type === 'sent'
        ? [{ to: e.peer ? `${e.peer} (${formatAddress(e.to)})` : formatAddress(e.to), text: e.text, plugin: e.plugin }]
        : [],
    )
  }

  expectReply(expected?: string | RegExp, { count = 1 }: ReplyOptions = {}): string {
    const wanted = `${count === 1 ? 'one reply' : `${count} replies`}${expected === undefined ? '' : ` ${show(expected)}`}`
    const wrong = expected === undefined ? undefined : this.replies.find((reply) => !matches(reply, expected))
    if (this.replies.length !== count || wrong !== undefined) this.fail(`expected ${this.who} to get ${wanted}`)
    return this.replies[0]!
  }

  expectReplies(expected: ReadonlyArray<string | RegExp>): string[] {
    const same = this.replies.length === expected.length && expected.every((e, i) => matches(this.replies[i]!, e))
    if (!same) this.fail(`expected ${this.who} to get the replies ${expected.map(show).join(', ') || '(none)'}`)
    return [...this.replies]
  }

  expectNoReply(): void {
    if (this.replies.length) this.fail(`expected no reply to ${this.who}`)
  }

  expectNothingSent(): void {
    if (this.sent.length || this.replies.length) this.fail('expected the chat to send nothing')
  }

  expectDrop(reason?: string | RegExp): Drop {
    const drop = this.drop
    if (!drop || (reason !== undefined && !matches(drop.reason, reason))) {
      this.fail(`expected the message to be dropped${reason === undefined ? '' : ` with reason ${show(reason)}`}`)
    }
    return drop
  }

  expectDelivered(text?: string | RegExp): Message {
    const message = this.message
    if (!message || (text !== undefined && !matches(message.text, text))) {
      this.fail(`expected the message to be delivered${text === undefined ? '' : ` as ${show(text)}`}`)
    }
    return message
  }

  /** What happened, for the failure message. */
  describe(): string {
    const lines = [
      `replies: ${this.replies.length ? this.replies.map((r) => JSON.stringify(r)).join(', ') : 'none'}`,
      `delivered: ${this.message ? JSON.stringify(this.message.text) : 'no'}`,
    ]
    if (this.drop) lines.push(`dropped by ${this.drop.plugin}: ${this.drop.reason}`)
    for (const error of this.errors) lines.push(`error: ${describeEvent(error)}`)
    for (const sent of this.sent) lines.push(`sent to ${sent.to}: ${JSON.stringify(sent.text)}`)
    return lines.join('\n  ')
  }

  private fail(what: string): never {
    throw new Error(`${what}; got\n  ${this.describe()}`)
  }
}
