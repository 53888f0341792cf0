import { definePlugin } from '../../core/index.ts'

/**
 * A plugin that keeps a running total in its store (`n`), adds `step` to it on each message and
 * answers the new total: a reload that keeps the store shows in the answer (`1`, then `11`).
 */
export const counter = (step: number) =>
  definePlugin({
    name: 'counter',
    inbound(m, ctx) {
      const n = ((ctx.store.get('n') as number | undefined) ?? 0) + step
      ctx.store.set('n', n)
      ctx.reply(m, String(n))
    },
  })
