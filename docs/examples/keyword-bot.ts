import { definePlugin, v } from '../../core/index.ts' // in your project: from 'udpchat'

const Options = v.object({
  /** Keyword -> answer. A message that contains the keyword as a word gets the answer. */
  answers: v.record(v.string(), v.string('an answer (string)')),
  /** Say how many questions were answered so far, after each answer. @default false */
  count: v.optional(v.boolean(), false),
})

/** Answers messages that contain a keyword, e.g. `keywordBot({ answers: { price: '10 EUR' } })`. */
export function keywordBot(options: v.InferInput<typeof Options>) {
  return definePlugin({
    name: 'keywordBot',
    schema: Options,
    options,
    inbound(message, ctx) {
      const words = message.text.toLowerCase().split(/[^\p{L}\p{N}]+/u)
      const keyword = words.find((word) => Object.hasOwn(ctx.options.answers, word))
      if (keyword === undefined) return
      // The store outlives a reload of this plugin: the count goes on when the answers change.
      const answered = ((ctx.store.get('answered') as number | undefined) ?? 0) + 1
      ctx.store.set('answered', answered)
      const answer = ctx.options.answers[keyword]!
      ctx.reply(message, ctx.options.count ? `${answer} (${answered} answered)` : answer)
    },
  })
}
