import { formatAddress, type Address } from './address.ts'
import { ChatError, describeError } from './errors.ts'
import type { Lane, OpenLane } from './runtime/types.ts'

/** A lane whose peer sent nothing for this long while others were turned away is closed, in ms. */
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
 * The chat's lanes (`limits.lanes`): a queue of its own for each peer that keeps to its rate while
 * others are turned away, so that a flood filling the socket's one queue cannot make the system
 * drop that peer's datagrams too. A peer is an address and port; at most `max` have a lane, each
 * closed once its peer has sent nothing for `LANE_IDLE_MS` (checked by `sweep`), all at `close`.
 * A flood from many forged sources that each keep to the rate can take every lane: the chat is
 * then where it is without them.
 */
export class Lanes {
  private readonly lanes = new Map<string, Entry>()
  private failedAt = Number.NEGATIVE_INFINITY

  constructor(
    private readonly open: OpenLane,
    private readonly max: number,
    /** A lane that could not be opened: said once per `RETRY_MS` at most. */
    private readonly failed: (error: ChatError) => void,
  ) {}

  /** Lanes open or opening. */
  get size(): number {
    return this.lanes.size
  }

  /** A datagram from `from` got through the guard while others were turned away. */
  admitted(from: Address, now: number): void {
    const key = `${from.port} ${from.host}`
    const known = this.lanes.get(key)
    if (known) {
      known.seen = now
      return
    }
    if (this.lanes.size >= this.max || now - this.failedAt < RETRY_MS) return
    const entry: Entry = { peer: from, lane: undefined, seen: now }
    this.lanes.set(key, entry)
    const gone = () => this.lanes.get(key) === entry && this.lanes.delete(key)
    this.open(from, gone).then(
      (lane) => {
        if (this.lanes.get(key) === entry) entry.lane = lane
        else lane.close() // closed or swept while it opened
      },
      (error: unknown) => {
        gone()
        this.failedAt = now
        this.failed(new ChatError('E_BIND', `No lane for ${formatAddress(from)}: ${describeError(error)}`))
      },
    )
  }

  /** Closes the lanes whose peers sent nothing since `now - LANE_IDLE_MS`, or that `revoke` names (now flooding). */
  sweep(now: number, revoke: (peer: Address) => boolean): void {
    for (const [key, entry] of this.lanes) {
      if (now - entry.seen < LANE_IDLE_MS && !revoke(entry.peer)) continue
      this.lanes.delete(key)
      entry.lane?.close()
    }
  }

  close(): void {
    for (const entry of this.lanes.values()) entry.lane?.close()
    this.lanes.clear()
  }
}
