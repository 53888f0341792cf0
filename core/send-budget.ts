import type { Address } from './address.ts'
import { randomSeed, sourceHash } from './source-key.ts'

export interface SendBudgetOptions {
  /** Bytes that may go to an unproven address per byte received from it. @default 3 */
  factor?: number
  /**
   * Bytes an unproven address may get beyond `factor` times what it sent, refilled at this many
   * bytes a second: a two-letter greeting can still get a sentence back. @default 256
   */
  allowance?: number
  /** Slots in the table, rounded up to a power of two. @default 16384 */
  slots?: number
  /** The most addresses marked proven at once; past it, the oldest mark is forgotten. @default 65536 */
  maxProven?: number
}

/** Earned credit stops growing here, so an address cannot bank a day's traffic. */
const MAX_CREDIT = 1 << 20

/**
 * The anti-amplification rule of QUIC (RFC 9000 section 8) for a connectionless chat: until an
 * address has proved it receives what we send (it echoed a cookie, or it is a contact), the
 * bytes sent to it stay within `factor` times the bytes received from it, plus a small allowance.
 * Credit lives in a fixed-size table keyed by a seeded hash of the host (not the port): memory
 * and cost per datagram stay constant however many sources there are. A slot remembers the last
 * source that wrote to it; another source taking the slot starts from no credit, and the
 * allowance belongs to the slot, so no sequence of forged sources can earn more than it.
 */
export class SendBudget {
  readonly factor: number
  readonly allowance: number
  private readonly mask: number
  private readonly seed = randomSeed()
  private readonly tags: Int32Array
  private readonly credit: Float64Array
  private readonly spare: Float64Array
  private readonly stamps: Float64Array
  private readonly proven = new Map<string, true>()
  private readonly maxProven: number

  constructor(options: SendBudgetOptions = {}) {
    this.factor = options.factor ?? 3
    this.allowance = options.allowance ?? 256
    this.maxProven = options.maxProven ?? 65_536
    const size = 2 ** Math.ceil(Math.log2(Math.max(16, options.slots ?? 16_384)))
    this.mask = size - 1
    this.tags = new Int32Array(size)
    this.credit = new Float64Array(size)
    this.spare = new Float64Array(size).fill(this.allowance)
    this.stamps = new Float64Array(size)
  }

  /** Counts a datagram received from `from`: it earns `factor` times its size. */
  received(from: Pick<Address, 'host'>, bytes: number): void {
    this.receivedHashed(sourceHash(from.host, this.seed), bytes)
  }

  /** `received` for a source already hashed with `sourceHash`. */
  receivedHashed(h: number, bytes: number): void {
    const i = h & this.mask
    if (this.tags[i] !== h) {
      this.tags[i] = h
      this.credit[i] = 0
    }
    this.credit[i] = Math.min(MAX_CREDIT, this.credit[i]! + bytes * this.factor)
  }

  /** Spends `bytes` of the address's budget if it has them; false (nothing spent) if not. */
  spend(to: Pick<Address, 'host'>, bytes: number, now: number = Date.now()): boolean {
    return this.spendHashed(to.host, sourceHash(to.host, this.seed), bytes, now)
  }

  /** `spend` for an address whose host is already hashed with `sourceHash`. */
  spendHashed(host: string, h: number, bytes: number, now: number): boolean {
    if (this.proven.size !== 0 && this.proven.has(host)) return true
    const i = h & this.mask
    const earned = this.tags[i] === h ? this.credit[i]! : 0
    const elapsed = now - this.stamps[i]!
    let spare = this.spare[i]!
    if (elapsed > 0) {
      spare = Math.min(this.allowance, spare + (elapsed * this.allowance) / 1000)
      this.stamps[i] = now
    }
    if (earned + spare < bytes) {
      this.spare[i] = spare
      return false
    }
    const fromCredit = Math.min(earned, bytes)
    if (fromCredit > 0) this.credit[i] = earned - fromCredit
    this.spare[i] = spare - (bytes - fromCredit)
    return true
  }

  /** Marks an address as proven (it answered a cookie): sends to it are no longer limited. */
  prove(host: string): void {
    this.proven.delete(host)
    this.proven.set(host, true)
    if (this.proven.size > this.maxProven) this.proven.delete(this.proven.keys().next().value!)
  }

  /** Takes the mark back (the member left or expired). */
  forget(host: string): void {
    this.proven.delete(host)
  }
}
