import * as v from 'valibot'
import { formatAddress, type Message, type PluginContext } from '../core/index.ts'

/** The options of a bot that limits its replies per peer (autoReply, timeServer). */
export const ReplyLimit = {
  /**
   * At most this many replies to one peer per `window` ms; past it the peer is not answered until
   * the window ends. Stops two bots from answering each other forever.
   * @default 10
   */
  maxReplies: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 10),
  /** @default 1000 */
  window: v.optional(v.pipe(v.number(), v.minValue(1)), 1000),
}

interface Spent {
  since: number
  count: number
  warned: boolean
}

/** Past this many peers, windows that have ended are forgotten (a budget is per recent peer, not per peer ever). */
const PRUNE_AT = 1024

/** Counts replies per peer and says whether one more is allowed; warns once per window when it is not. */
export function replyBudget() {
  const spent = new Map<string, Spent>()
  return {
    allow(message: Message, ctx: PluginContext<{ maxReplies: number; window: number }>): boolean {
      const { maxReplies, window } = ctx.options
      const who = formatAddress(message.from)
      const now = message.at
      let entry = spent.get(who)
      if (!entry || now - entry.since >= window) {
        if (!entry && spent.size >= PRUNE_AT) for (const [key, old] of spent) if (now - old.since >= window) spent.delete(key)
        spent.set(who, (entry = { since: now, count: 0, warned: false }))
      }
      if (++entry.count <= maxReplies) return true
      if (!entry.warned) ctx.logger.warn(`Not answering ${who} for now: more than ${maxReplies} replies in ${window} ms looks like a bot loop`)
      entry.warned = true
      return false
    },
    clear: () => spent.clear(),
  }
}
