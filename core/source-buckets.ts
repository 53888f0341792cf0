import type { Address } from './address.ts'
import { randomSeed, sourceHash } from './source-key.ts'

export interface SourceBucketsOptions {
  /** Tokens a source gets back per second. */
  rate: number
  /** The most tokens a source can hold: how much it may spend at once after a quiet while. */
  burst: number
  /**
   * Tokens a refused call costs too, as a share of what it asked for, down to `-burst`: with 0.1,
   * a source that asks more than ten times its rate gets nothing until it slows down, and one that
   * stops is back to its rate within `2 * burst / rate` seconds. @default 0
   */
  refused?: number
  /** Slots in the table, rounded up to a power of two. @default 16384 */
  slots?: number
}

/**
 * Token buckets per source (IPv4 address or IPv6 /64, never the port) in a fixed-size table:
 * constant memory and constant cost per call however many sources there are, as WireGuard's
 * limiter (which instead refuses new sources when its table is full). Sources whose seeded hash
 * lands on the same slot share its bucket, which can only make a limit stricter, never looser;
 * with the default size and a random seed, a handful of busy sources rarely meet.
 *
 * A plugin that answers by itself can keep its own budget with one: `buckets.take(message.from)`.
 */
export class SourceBuckets {
  readonly rate: number
  readonly burst: number
  private readonly perMs: number
  private readonly refused: number
  private readonly mask: number
  private readonly seed = randomSeed()
  private readonly tokens: Float64Array
  private readonly stamps: Float64Array

  constructor(options: SourceBucketsOptions) {
    this.rate = options.rate
    this.burst = options.burst
    this.perMs = options.rate / 1000
    this.refused = options.refused ?? 0
    const size = 2 ** Math.ceil(Math.log2(Math.max(16, options.slots ?? 16_384)))
    this.mask = size - 1
    this.tokens = new Float64Array(size).fill(options.burst)
    this.stamps = new Float64Array(size)
  }

  /**
   * Takes `cost` tokens from the source's bucket if it has them; false if not (and then only the
   * `refused` share of `cost` is taken).
   */
  take(from: Pick<Address, 'host'>, now: number = Date.now(), cost = 1): boolean {
    return this.takeHashed(sourceHash(from.host, this.seed), now, cost)
  }

  /** `take` for a source already hashed with `sourceHash` (the guard hashes each datagram's source once). */
  takeHashed(hash: number, now: number, cost = 1): boolean {
    const i = hash & this.mask
    const tokens = this.refill(i, now)
    if (tokens < cost) {
      if (this.refused > 0) this.tokens[i] = Math.max(-this.burst, tokens - cost * this.refused)
      return false
    }
    this.tokens[i] = tokens - cost
    return true
  }

  /** The tokens a source holds now: below 0 while refused calls (with `refused`) keep it in debt. */
  peek(from: Pick<Address, 'host'>, now: number = Date.now()): number {
    return this.peekHashed(sourceHash(from.host, this.seed), now)
  }

  /** `peek` for a source already hashed with `sourceHash`. */
  peekHashed(hash: number, now: number): number {
    return this.refill(hash & this.mask, now)
  }

  /** Every bucket full again. */
  clear(): void {
    this.tokens.fill(this.burst)
    this.stamps.fill(0)
  }

  private refill(i: number, now: number): number {
    const elapsed = now - this.stamps[i]!
    let tokens = this.tokens[i]!
    if (elapsed > 0) {
      tokens = Math.min(this.burst, tokens + elapsed * this.perMs)
      this.tokens[i] = tokens
      this.stamps[i] = now
    }
    return tokens
  }
}
