/**
 * `Date.now()` read at most about once a millisecond, however often it is asked. The rate check
 * runs for every datagram, a flood's too, before anything else; a clock read costs 50 ns on a
 * virtual machine (as much as the rest of a refused datagram's way through the chat), and the
 * datagrams of one turn of the event loop can share one. What it says is at most a millisecond
 * or so old (a timer marks it stale): a token bucket then refills that much later, never sooner.
 * Not for what a user sees: a message's time is read exactly.
 */
export class CoarseClock {
  private time = 0
  private fresh = false
  private readonly expire = () => {
    this.fresh = false
  }

  now(): number {
    if (this.fresh) return this.time
    this.fresh = true
    const timer = setTimeout(this.expire, 1)
    ;(timer as { unref?: () => void }).unref?.()
    return (this.time = Date.now())
  }
}
