import { sourceOf } from './_source.ts'
import type { Address } from '../core/index.ts'

/** How many automatic answers a source may get: a token bucket per source, and one for all of them. */
export interface AnswerBudgetOptions {
  /** Answers one source (an IPv4 address or IPv6 /64) may get at once. */
  burst: number
  /** Answers a source earns back per second. */
  perSecond: number
  /** Answers per second to every source together, so that forged sources by the thousand still get few. */
  totalPerSecond: number
}

interface Bucket {
  tokens: number
  at: number
}

/**
 * Past this many sources the table starts again: the cost per datagram stays constant however
 * many sources there are; a source forgotten this way gets at most one more burst.
 */
const MAX_SOURCES = 4096

/** Says whether one more automatic answer to `to` is allowed now, and spends it if so. */
export function answerBudget(options: AnswerBudgetOptions) {
  const buckets = new Map<string, Bucket>()
  const total: Bucket = { tokens: options.totalPerSecond, at: 0 }
  const refill = (bucket: Bucket, now: number, rate: number, cap: number) => {
    bucket.tokens = Math.min(cap, bucket.tokens + ((now - bucket.at) / 1000) * rate)
    bucket.at = now
  }
  return {
    spend(to: Pick<Address, 'host'>, now: number): boolean {
      const key = sourceOf(to)
      let bucket = buckets.get(key)
      if (!bucket) {
        if (buckets.size >= MAX_SOURCES) buckets.clear()
        buckets.set(key, (bucket = { tokens: options.burst, at: now }))
      } else refill(bucket, now, options.perSecond, options.burst)
      refill(total, now, options.totalPerSecond, options.totalPerSecond)
      if (bucket.tokens < 1 || total.tokens < 1) return false
      bucket.tokens--
      total.tokens--
      return true
    },
  }
}
