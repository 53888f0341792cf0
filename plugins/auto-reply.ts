import * as v from 'valibot'
import { definePlugin, type Message, type Plugin } from '../core/index.ts'
import type { Agree, WithDefaults } from './_options.ts'
import { replyBudget, replyLimit, type ReplyLimitOptions } from './_reply-budget.ts'

/** Makes the reply from the message and, for a RegExp rule, its match. */
export type ReplyFunction = (message: Message, match: RegExpExecArray | undefined) => string | undefined | void

/** The options of `autoReply()`. */
export interface AutoReplyOptions extends ReplyLimitOptions {
  /**
   * `[match, reply]` pairs, first match wins. A string matches the whole (trimmed) text; a RegExp
   * anywhere. `$1`, `$&` in a reply string expand from the match.
   */
  rules: Array<[string | RegExp, string | ReplyFunction]>
}

/** `autoReply()`'s options with their defaults (its `ctx.options`). */
export type AutoReplySettings = WithDefaults<AutoReplyOptions, 'maxReplies' | 'window'>

// Built per plugin rather than at module level, where the mutation tests cannot switch a change
// on per test (docs/mutation-equivalents.md).
function optionsSchema() {
  const rule = v.tuple(
    [
      v.union([v.string(), v.instance(RegExp)], 'a string or RegExp to match'),
      v.union(
        [v.string(), v.custom<ReplyFunction>((x) => typeof x === 'function')],
        'a reply: a string or a function of the message',
      ),
    ],
    'a rule: [match, reply]',
  )
  return v.object({
    rules: v.array(rule, 'an array of [match, reply] rules'),
    ...replyLimit(),
  })
}
type Options = ReturnType<typeof optionsSchema>

type _Checked = [Agree<v.InferInput<Options>, AutoReplyOptions>, Agree<v.InferOutput<Options>, AutoReplySettings>]

/** A bot: answers messages that match a rule. */
export function autoReply(options: AutoReplyOptions): Plugin<AutoReplySettings> {
  const budget = replyBudget()
  return definePlugin({
    name: 'autoReply',
    schema: optionsSchema(),
    options,
    inbound(message, ctx) {
      const reply = answer(ctx.options.rules, message)
      if (reply !== undefined && budget.allow(message, ctx)) ctx.reply(message, reply)
    },
    dispose() {
      budget.clear()
    },
  })
}

function answer(
  rules: ReadonlyArray<readonly [string | RegExp, string | ReplyFunction]>,
  message: Message,
): string | undefined {
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
  return template.replace(/\$(\d|&)/g, (token, group: string) =>
    group === '&' ? match[0] : (match[Number(group)] ?? ''),
  )
}
