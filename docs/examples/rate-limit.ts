import { definePlugin, drop, formatAddress, v } from '../../core/index.ts' // in your project: from 'udpchat'

const Options = v.object({
  /** Messages each sender may send per `window` ms; the rest are dropped. */
  max: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** @default 1000 */
  window: v.optional(v.pipe(v.number(), v.minValue(1)), 1000),
})

interface Budget {
  since: number
  count: number
}

/** Drops what a sender sends past `max` messages per `window` ms: put it first, before any bot. */
export function rateLimit(options: v.InferInput<typeof Options>) {
  return definePlugin({
    name: 'rateLimit',
    enforce: 'pre',
    // A limiter is a filter: if it breaks, it must not let the flood through.
    onError: 'drop',
    schema: Options,
    options,
    setup(ctx) {
      // In the store, so a reload (a new `max`) does not hand everyone a fresh budget.
      if (!ctx.store.has('budgets')) ctx.store.set('budgets', new Map<string, Budget>())
      const budgets = ctx.store.get('budgets') as Map<string, Budget>
      // Forget quiet senders now and then; the timer stops by itself when the plugin is disposed.
      ctx.setInterval(() => {
        const old = Date.now() - ctx.options.window
        for (const [key, budget] of budgets) if (budget.since < old) budgets.delete(key)
      }, 10 * ctx.options.window)
    },
    inbound(message, ctx) {
      const budgets = ctx.store.get('budgets') as Map<string, Budget>
      const key = formatAddress(message.from)
      let budget = budgets.get(key)
      if (!budget || message.at - budget.since >= ctx.options.window)
        budgets.set(key, (budget = { since: message.at, count: 0 }))
      if (++budget.count > ctx.options.max)
        return drop(`rate limit: more than ${ctx.options.max} in ${ctx.options.window} ms`)
    },
  })
}
