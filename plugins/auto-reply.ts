import * as v from 'valibot'
import { definePlugin, formatAddress, type Message } from '../core/index.ts'

/** Makes the reply from the message and, for a RegExp rule, its match. */
export type ReplyFunction = (message: Message, match: RegExpExecArray | undefined) => string | undefined | void

const Rule = v.tuple(
  [
    v.union([v.string(), v.instance(RegExp)], 'a string or RegExp to match'),
    v.union([v.string(), v.custom<ReplyFunction>((x) => typeof x === 'function')], 'a reply: a string or a function of the message'),
  ],
  'a rule: [match, reply]',
)

const Options = v.object({
  /** `[match, reply]` pairs, first match wins. A string matches the whole (trimmed) text; a RegExp anywhere. `$1`, `$&` in a reply string expand from the match. */
  rules: v.array(Rule, 'an array of [match, reply] rules'),
  /**
   * At most this many replies to one peer per `window` ms; past it the peer is not answered until
   * the window ends. Stops two bots from answering each other forever.
   * @default 10
   */
  maxReplies: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 10),
  /** @default 1000 */
  window: v.optional(v.pipe(v.number(), v.minValue(1)), 1000),
})

export type AutoReplyOptions = v.InferInput<typeof Options>

/** A bot: answers messages that match a rule. */
export function autoReply(options: AutoReplyOptions) {
  const budget = new Map<string, { since: number; count: number; warned: boolean }>()
  return definePlugin({
    name: 'autoReply',
    schema: Options,
    options,
    inbound(message, ctx) {
      const reply = answer(ctx.options.rules, message)
      if (reply === undefined) return
      const who = formatAddress(message.from)
      const now = message.at
      let spent = budget.get(who)
      if (!spent || now - spent.since >= ctx.options.window) budget.set(who, (spent = { since: now, count: 0, warned: false }))
      if (++spent.count > ctx.options.maxReplies) {
        if (!spent.warned) ctx.logger.warn(`Not answering ${who} for now: more than ${ctx.options.maxReplies} replies in ${ctx.options.window} ms looks like a bot loop`)
        spent.warned = true
        return
      }
      ctx.reply(message, reply)
    },
    dispose() {
      budget.clear()
    },
  })
}

function answer(rules: ReadonlyArray<readonly [string | RegExp, string | ReplyFunction]>, message: Message): string | undefined {
  const text = message.text.trim()
  for (const [pattern, reply] of rules) {
    let match: RegExpExecArray | undefined
    if (typeof pattern === 'string') {
      if (text !== pattern) continue
    } else {
      pattern.lastIndex = 0
      match = pattern.exec(message.text) ?? undefined
      if (!match) continue
    }
    if (typeof reply === 'function') {
      const made = reply(message, match)
      if (typeof made === 'string') return made
      continue
    }
    return match ? expand(reply, match) : reply
  }
  return undefined
}

function expand(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\d|&)/g, (token, group: string) => (group === '&' ? match[0] : (match[Number(group)] ?? '')))
}
