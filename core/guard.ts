import type { Limits } from './limits.ts'
import type { Address } from './address.ts'
import { SendBudget } from './send-budget.ts'
import { SourceBuckets } from './source-buckets.ts'
import { randomSeed, sourceHash } from './source-key.ts'

/** What the guard turned away since the last report (and in all, since the chat started). */
export interface GuardCounts {
  /** Datagrams dropped before decode: their source was over its rate. */
  rateLimited: number
  /** Answers not sent: the address was over its answer budget. */
  unanswered: number
  /** Sends not made: the address has not proved it receives them and was over `amplification` times what it sent. */
  amplification: number
  /**
   * Datagrams dropped because the chat held as much as it may: datagrams that came while the
   * plugins start, or messages waiting in slow async hooks (see `HELD`).
   */
  busy: number
}

/**
 * What the chat keeps in memory for work it cannot do yet, whatever a flood sends: datagrams that
 * arrive while the plugins start, and, apart, messages waiting in async hooks (a slow plugin).
 * Past either bound (a count and bytes), a new datagram is dropped and counted as `busy`.
 */
export const HELD = { count: 4096, bytes: 16 * 1024 * 1024 }

/**
 * What a datagram refused by `limits.perSource` costs its source, in tokens, unless the config
 * says otherwise: a flooding source then gets nothing through (rather than its full rate, which
 * it would spend on the pipeline and on answers it never reads) until it slows down.
 */
export const PER_SOURCE_REFUSED = 0.1

/** How long a flood lasts before a source that keeps to its rate through it gets a lane, in ms. */
export const FLOOD_PROOF_MS = 100

/** How often the counts are reported while something is being turned away, in ms. */
export const GUARD_REPORT_MS = 1000

/**
 * The chat's one guard: the per-source rate limit before decode, the answer budget of
 * `ctx.reply`, and the amplification limit on every send a plugin makes. A source is hashed when
 * its host differs from the last one hashed; an answer to it, and the next datagram of a run from
 * it, reuse that hash: each check is then a few array reads. Memory is fixed however many sources
 * there are.
 */
export class Guard {
  private readonly perSource: SourceBuckets | undefined
  private readonly answers: SourceBuckets | undefined
  readonly budget: SendBudget | undefined
  /** Since the last report. */
  readonly recent: GuardCounts = { rateLimited: 0, unanswered: 0, amplification: 0, busy: 0 }
  /** Since the start. */
  readonly total: GuardCounts = { rateLimited: 0, unanswered: 0, amplification: 0, busy: 0 }
  private readonly seed = randomSeed()
  // The last host hashed and its hash: datagrams come in runs from one source, and a reply goes
  // to the source just hashed.
  private lastHost: string | undefined
  private lastHash = 0
  // When the datagrams turned away before decode began, in reports without a gap (0: none now),
  // and when the last was.
  private floodSince = 0
  private lastRefused = 0

  constructor(limits: Omit<Limits, 'lanes'>) {
    const buckets = (b: Limits['perSource'], refused: number) =>
      b ? new SourceBuckets({ rate: b.rate, burst: b.burst ?? b.rate * 2, refused: b.refused ?? refused }) : undefined
    this.perSource = buckets(limits.perSource, PER_SOURCE_REFUSED)
    this.answers = buckets(limits.answers, 0)
    this.budget =
      limits.amplification === false
        ? undefined
        : new SendBudget({ factor: limits.amplification, allowance: limits.allowance })
  }

  /** A datagram arrived: false if its source is over its rate (dropped, counted). */
  admit(bytes: number, from: Address, now: number): boolean {
    const hash = this.hash(from)
    if (this.perSource !== undefined && !this.perSource.takeHashed(hash, now)) {
      this.recent.rateLimited++
      this.lastRefused = now
      if (this.floodSince === 0) this.floodSince = now
      return false
    }
    this.budget?.receivedHashed(hash, bytes)
    return true
  }

  /** A plugin answers `to`: false if that address is over its answer budget (counted). */
  answer(to: Address, now: number): boolean {
    if (!this.answers || this.answers.takeHashed(this.hash(to), now)) return true
    this.recent.unanswered++
    return false
  }

  /** A plugin sends `bytes` to `to`: false if that would break the amplification limit (counted). */
  send(to: Address, bytes: number, now: number): boolean {
    if (!this.budget || this.budget.spendHashed(to.host, this.hash(to), bytes, now)) return true
    this.recent.amplification++
    return false
  }

  private hash(address: Pick<Address, 'host'>): number {
    const host = address.host
    if (host === this.lastHost) return this.lastHash
    this.lastHost = host
    return (this.lastHash = sourceHash(host, this.seed))
  }

  /**
   * Under a flood: datagrams have been turned away before decode (over the per-source rate, or for
   * want of room) in each second since `floodSince`. Cheap enough to ask for every datagram.
   */
  flooded(): boolean {
    return this.floodSince !== 0
  }

  /**
   * Whether `from` keeps to its rate under a flood that has lasted `FLOOD_PROOF_MS` and still goes
   * on (a datagram turned away within as long): it holds at least half its burst. A flooding
   * source is in debt by then, however full its bucket was when it started. Who gets a lane
   * (`limits.lanes`).
   */
  keepsToRate(from: Address, now: number): boolean {
    // Without a per-source limit, nothing tells a flooding source from another.
    if (!this.perSource || this.floodSince === 0) return false
    if (now - this.floodSince < FLOOD_PROOF_MS || now - this.lastRefused > FLOOD_PROOF_MS) return false
    return this.perSource.peekHashed(this.hash(from), now) >= this.perSource.burst / 2
  }

  /** Whether `from` spends its rate or more: less than one token left (in debt, with `refused`). */
  inDebt(from: Address, now: number): boolean {
    return this.perSource !== undefined && this.perSource.peekHashed(this.hash(from), now) < 1
  }

  /** A datagram dropped for want of room (`HELD`): counted. */
  busy(): void {
    this.recent.busy++
    this.lastRefused = Date.now()
    if (this.floodSince === 0) this.floodSince = this.lastRefused
  }

  /** The counts since the last call, added to the totals; undefined when nothing was turned away. */
  report(): GuardCounts | undefined {
    const { recent, total } = this
    if (recent.rateLimited + recent.busy === 0) this.floodSince = 0
    if (recent.rateLimited + recent.unanswered + recent.amplification + recent.busy === 0) return undefined
    const counts = { ...recent }
    total.rateLimited += recent.rateLimited
    total.unanswered += recent.unanswered
    total.amplification += recent.amplification
    total.busy += recent.busy
    recent.rateLimited = recent.unanswered = recent.amplification = recent.busy = 0
    return counts
  }
}
