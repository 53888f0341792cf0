import type { Address } from './address.ts'
import { sourceLabel } from './source-key.ts'
import type { ChatError } from './errors.ts'
import type { Guard } from './guard.ts'
import type { Lane, OpenLane } from './runtime/types.ts'

/** A lane whose peer sent nothing for this long is closed, in ms. */
export const LANE_IDLE_MS = 30_000

/** After a lane fails to open (no file descriptors left, say), none is tried for this long, in ms. */
const RETRY_MS = 1000

interface Entry {
  peer: Address
  /** Undefined while it opens. */
  lane: Lane | undefined
  seen: number
}

/**
 * The chat's lanes (`limits.lanes`): a queue of its own for a peer that keeps to its rate while
 * others flood (`Guard.keepsToRate`), so that a flood filling the socket's one queue cannot make
 * the system drop that peer's datagrams too. One lane per source (an IPv4 address or IPv6 /64, at
 * its first port), so one host cannot take them all; at most `max`. A lane is closed once its peer
 * has sent nothing for `LANE_IDLE_MS`, or spends over its rate (checked by `sweep`), and all at
 * `close`. A flood from many forged sources that each keep to the rate can take every lane: the
 * chat is then where it is without them.
 */
export class Lanes {
  private readonly lanes = new Map<string, Entry>()
  private failedAt = Number.NEGATIVE_INFINITY
  private closed = false

  constructor(
    private readonly open: OpenLane,
    private readonly max: number,
    private readonly guard: Pick<Guard, 'keepsToRate' | 'inDebt'>,
    /** A lane that could not be opened: said once per `RETRY_MS` at most. */
    private readonly failed: (error: ChatError) => void,
  ) {}

  /** Lanes open or opening. */
  get size(): number {
    return this.lanes.size
  }

  /** A datagram from `from` got through the guard: its lane stays, or it gets one if it keeps to its rate. */
  admitted(from: Address, now: number): void {
    // Keyed as the guard keys a source: an IPv6 host holds a whole /64.
    const source = sourceLabel(from)
    const known = this.lanes.get(source)
    if (known) {
      if (known.peer.port === from.port) known.seen = now
      return
    }
    // Port 0 cannot be connected to (only a forged datagram comes from it).
    if (this.closed || from.port === 0 || this.lanes.size >= this.max || now - this.failedAt < RETRY_MS) return
    if (!this.guard.keepsToRate(from, now)) return
    const entry: Entry = { peer: from, lane: undefined, seen: now }
    this.lanes.set(source, entry)
    this.open(from).then(
      (lane) => {
        if (this.lanes.get(source) === entry) entry.lane = lane
        else lane.close() // closed or swept while it opened
      },
      (error: ChatError) => {
        if (this.lanes.get(source) !== entry) return // the chat closed meanwhile: nothing to say
        this.lanes.delete(source)
        this.failedAt = now
        this.failed(error)
      },
    )
  }

  /** Closes the lanes whose peers sent nothing since `now - LANE_IDLE_MS`, or spend over their rate. */
  sweep(now: number): void {
    for (const [source, entry] of this.lanes) {
      if (now - entry.seen < LANE_IDLE_MS && !this.guard.inDebt(entry.peer, now)) continue
      this.lanes.delete(source)
      entry.lane?.close()
    }
  }

  close(): void {
    this.closed = true
    for (const entry of this.lanes.values()) entry.lane?.close()
    this.lanes.clear()
  }
}
