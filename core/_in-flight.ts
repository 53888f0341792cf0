/** Counts the work in flight (messages in the hooks, sends not yet left) and wakes whoever waits for none. */
export class InFlight {
  private count = 0
  private readonly idlers: Array<() => void> = []

  start(): void {
    this.count++
  }

  end(): void {
    if (--this.count === 0 && this.idlers.length) for (const wake of this.idlers.splice(0)) wake()
  }

  /** Resolves once nothing is in flight (at once if nothing is). */
  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.idlers.push(resolve))
  }
}
