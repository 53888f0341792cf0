/** Bits per block of the bitmap. */
const BITS = 32
/** Blocks in the ring; one is always being cleared, so the window is one block short of the ring. */
const BLOCKS = 64
/** How far behind the highest sequence number seen a datagram may be and still be taken (once). */
export const REPLAY_WINDOW = (BLOCKS - 1) * BITS

/**
 * A sliding window of sequence numbers already taken, as RFC 6479 lays it out: a ring of 32-bit
 * blocks, so that moving the window on clears whole blocks instead of shifting bits. `check`
 * first, then `update` only once the datagram has proved genuine, so that forgeries cannot move it.
 */
export class ReplayWindow {
  private top = -1
  private readonly bitmap = new Uint32Array(BLOCKS)

  /** True if `seq` is new: ahead of the window, or inside it and not seen. */
  check(seq: number): boolean {
    if (seq > this.top) return true
    if (this.top - seq >= REPLAY_WINDOW) return false
    return (this.bitmap[Math.floor(seq / BITS) % BLOCKS]! & (1 << (seq % BITS))) === 0
  }

  /** Marks `seq` taken, moving the window on if it is ahead. */
  update(seq: number): void {
    const block = Math.floor(seq / BITS)
    if (seq > this.top) {
      const topBlock = Math.floor(this.top / BITS)
      const ahead = Math.min(block - topBlock, BLOCKS)
      for (let i = 1; i <= ahead; i++) this.bitmap[(((topBlock + i) % BLOCKS) + BLOCKS) % BLOCKS] = 0
      this.top = seq
    }
    this.bitmap[block % BLOCKS]! |= 1 << (seq % BITS)
  }
}
