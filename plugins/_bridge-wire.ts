import { decodeUtf8, encodeUtf8 } from '../core/index.ts'

/** One line said in a room, as it crosses the broker. */
export interface BridgedLine {
  /** The relay instance it was said at: random per relay, so a restarted relay is a new origin. */
  origin: string
  /** 1, 2, 3... per origin: with `origin`, the line's id. */
  seq: number
  /** The relay's name, shown as `{relay}`. */
  relay: string
  /** The sender's label at its relay (contact name or HOST:PORT). */
  from: string
  host: string
  port: number
  text: string
}

/** A payload past this is not ours (a UDP datagram is at most 65,507 bytes, plus the envelope). */
export const MAX_PAYLOAD = 96 * 1024
const MAX_TEXT = 65_507

export function encodeLine(line: BridgedLine): Uint8Array {
  const { origin, seq, relay, from, host, port, text } = line
  return encodeUtf8(JSON.stringify({ v: 1, o: origin, s: seq, r: relay, f: from, h: host, p: port, t: text }))
}

/** The line in a payload, or `undefined` when it is not one of ours (too big, not JSON, wrong fields). */
export function decodeLine(data: Uint8Array): BridgedLine | undefined {
  if (data.byteLength > MAX_PAYLOAD) return undefined
  let x: Record<string, unknown>
  try {
    x = JSON.parse(decodeUtf8(data).text)
  } catch {
    return undefined
  }
  if (typeof x !== 'object' || x === null || x.v !== 1) return undefined
  const { o, s, r, f, h, p, t } = x
  if (typeof o !== 'string' || o.length === 0 || o.length > 64) return undefined
  if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 1) return undefined
  if (typeof r !== 'string' || typeof f !== 'string' || typeof h !== 'string' || typeof t !== 'string') return undefined
  // What one datagram can carry; the relay it came from bounded it further with its maxLine.
  if (t.length > MAX_TEXT || r.length > 64 || f.length > 256 || h.length > 64) return undefined
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 65535) return undefined
  return { origin: o, seq: s, relay: r, from: f, host: h, port: p, text: t }
}

interface Seen {
  high: number
  ring: Uint8Array
}

/**
 * Which line ids were seen: per origin, the highest sequence number and which of the `size`
 * below it arrived. Bounded: at most `origins` origins (the least recently heard is forgotten),
 * `size` bytes each. A line older than the window counts as a duplicate: it is dropped.
 */
export class SequenceWindow {
  private readonly seen = new Map<string, Seen>()

  constructor(
    private readonly size = 4096,
    private readonly origins = 1024,
  ) {}

  /** Whether the line is new, and how it changes the count of lines missed (a gap, or a late one filling it). */
  accept(origin: string, seq: number): { fresh: boolean; missed: number } {
    const { size } = this
    let seen = this.seen.get(origin)
    if (!seen) {
      // The first line heard from an origin: what it said before we listened is not a loss.
      seen = { high: seq, ring: new Uint8Array(size) }
      seen.ring[seq % size] = 1
      this.remember(origin, seen)
      return { fresh: true, missed: 0 }
    }
    this.remember(origin, seen)
    if (seq > seen.high) {
      const gap = seq - seen.high - 1
      for (let s = seen.high + 1, n = Math.min(seq, seen.high + size); s <= n; s++) seen.ring[s % size] = 0
      seen.high = seq
      seen.ring[seq % size] = 1
      return { fresh: true, missed: gap }
    }
    if (seq <= seen.high - size || seen.ring[seq % size]) return { fresh: false, missed: 0 }
    seen.ring[seq % size] = 1
    return { fresh: true, missed: -1 }
  }

  private remember(origin: string, seen: Seen): void {
    this.seen.delete(origin)
    this.seen.set(origin, seen)
    if (this.seen.size > this.origins) this.seen.delete(this.seen.keys().next().value!)
  }
}
