import * as v from 'valibot'
import { definePlugin, drop, type Plugin } from '../core/index.ts'
import type { Agree, WithDefaults } from './_options.ts'
import { replyBudget, replyLimit, type ReplyLimitOptions } from './_reply-budget.ts'
import { strftime } from './_strftime.ts'

/** The options of `timeServer()`. */
export interface TimeServerOptions extends ReplyLimitOptions {
  /** The pattern used when a request is empty (or only a line ending). @default '%Y-%m-%d %X' */
  defaultFormat?: string
  /** Where the time comes from; for tests. @default () => new Date() */
  clock?: () => Date
  /** The longest answer, in chars: a pattern that would make a longer one gets none (a drop, with its reason). @default 8192 */
  maxLength?: number
}

/** `timeServer()`'s options with their defaults (its `ctx.options`). */
export type TimeServerSettings = WithDefaults<
  TimeServerOptions,
  'defaultFormat' | 'maxLength' | 'maxReplies' | 'window'
>

// Built per plugin rather than at module level, where the mutation tests cannot switch a change
// on per test (docs/mutation-equivalents.md).
function optionsSchema() {
  return v.optional(
    v.object({
      defaultFormat: v.optional(v.string('a strftime pattern'), '%Y-%m-%d %X'),
      clock: v.optional(v.custom<() => Date>((x) => typeof x === 'function', 'a function returning a Date')),
      maxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16_376)), 8192),
      ...replyLimit(),
    }),
    {},
  )
}
type Options = ReturnType<typeof optionsSchema>
type _Checked = [
  Agree<v.InferInput<Options>, TimeServerOptions | undefined>,
  Agree<v.InferOutput<Options>, TimeServerSettings>,
]

/**
 * The tutorial time server: answers each datagram with the current local time, formatted by the
 * datagram's text as a Python strftime pattern (`%Y-%m-%d %X` when it is empty). A request that
 * ends with a line ending (netcat) gets an answer that ends with one. Like `autoReply`, it answers
 * one address at most `maxReplies` times per `window` ms, so it cannot loop with another bot.
 * Widths are bounded (1024) and so is the answer (`maxLength`): no pattern can make it work long.
 */
export function timeServer(options?: TimeServerOptions): Plugin<TimeServerSettings> {
  const budget = replyBudget()
  return definePlugin({
    name: 'timeServer',
    schema: optionsSchema(),
    options,
    inbound(message, ctx) {
      if (!budget.allow(message, ctx)) return
      const ending = /\r?\n$/.exec(message.text)?.[0] ?? ''
      const pattern = message.text.slice(0, message.text.length - ending.length) || ctx.options.defaultFormat
      const now = ctx.options.clock?.() ?? new Date()
      const answer = strftime(pattern, now, ctx.options.maxLength - ending.length)
      if (answer === undefined)
        return drop(`timeServer: the answer would be over ${ctx.options.maxLength} chars (maxLength)`)
      ctx.reply(message, answer + ending)
    },
    dispose() {
      budget.clear()
    },
  })
}

export { strftime }
