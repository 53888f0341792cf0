import * as v from 'valibot'
import { SourceBuckets, type Message, type PluginContext } from '../core/index.ts'

/** The options of a bot that limits its replies per peer (autoReply, timeServer). */
export interface ReplyLimitOptions {
  /**
   * At most this many replies to one address (whatever its port) at once, given back over
   * `window` ms; past it the address is not answered until some come back. Stops two bots from
   * answering each other forever (the chat's own `limits.answers` applies as well).
   * @default 10
   */
  maxReplies?: number
  /** @default 1000 */
  window?: number
}

/** The schema entries of `ReplyLimitOptions`, spread into a bot's options schema (made per plugin, as the schemas are). */
export function replyLimit() {
  return {
    maxReplies: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 10),
    window: v.optional(v.pipe(v.number(), v.minValue(1)), 1000),
  }
}

/** A bot's reply budget: `allow` takes one reply to a message's sender, or says no. */
export interface ReplyBudget {
  allow(message: Message, ctx: PluginContext<{ maxReplies: number; window: number }>): boolean
  clear(): void
}

/**
 * A plugin's own reply budget per source address: a token bucket of `maxReplies` refilled over
 * `window` ms, in a fixed-size table (constant cost however many peers write; rotating ports
 * does not get around it). Warns at most every 10 s.
 */
export function replyBudget(): ReplyBudget {
  let buckets: SourceBuckets | undefined
  let warnedAt = -Infinity
  return {
    allow(message: Message, ctx: PluginContext<{ maxReplies: number; window: number }>): boolean {
      const { maxReplies, window } = ctx.options
      if (buckets?.burst !== maxReplies || buckets.rate !== (maxReplies * 1000) / window) {
        buckets = new SourceBuckets({ rate: (maxReplies * 1000) / window, burst: maxReplies, slots: 4096 })
      }
      if (buckets.take(message.from, message.at)) return true
      // At most one warning per 10 s.
      if (message.at - warnedAt >= 10_000) {
        warnedAt = message.at
        ctx.logger.warn(
          `Not answering ${message.from.host} for now: more than ${maxReplies} replies in ${window} ms looks like a bot loop`,
        )
      }
      return false
    },
    clear: () => buckets?.clear(),
  }
}
