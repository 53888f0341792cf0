import type { Address } from './address.ts'
import { ChatError } from './errors.ts'
import type { ChatEventHandler } from './events.ts'
import { isDrop, type Drop } from './drop.ts'
import type { Message, Outgoing } from './message.ts'
import type { Plugin } from './plugin.ts'
import type { PluginContext } from './plugin-context.ts'
import { asError, dropping, type HookEntry, type PluginSet } from './_plugin-set.ts'
import { acceptsMessage, BYTES, expectedMessage, wrongAnswer } from './_answers.ts'

export type Subject = Message | Outgoing
const FAILED = Symbol('failed')

/**
 * The strategies the engine calls hooks by (see `HOOKS`), and the failure policy, all of it in
 * one place: report each failure, count failures in a row, switch a hook off past the limit,
 * and stop the datagram when its plugin fails closed. The engine adds what happens around them.
 */
export abstract class HookRunner {
  /** The plugins in effect; a switch-off puts a new set in place. */
  set: PluginSet | undefined
  /** Messages waiting in an async hook now, and their bytes (roughly: the datagram and its text): bounded by the engine. */
  protected readonly parked = { count: 0, bytes: 0 }

  protected constructor(
    protected readonly emit: ChatEventHandler,
    private readonly limits: {
      hookTimeout: number
      maxFailures: number
      coolDown: number
      logger: { withTag(tag: string): { info(text: string): void } }
    },
  ) {}

  /** How often each plugin's hook has been switched off, for the doubling cool-down. */
  private readonly trips = new WeakMap<object, number>()

  /** A hook stopped a message (a drop, or a failure of a plugin that fails closed). */
  protected abstract dropped(entry: HookEntry, reason: string, subject: Subject): void

  /**
   * Strategy `first`: the first hook that answers; one that throws, or answers with something
   * `accepts` refuses (`what` says what it should have been), is reported and the next one asked.
   */
  protected first<T>(
    entries: readonly HookEntry[],
    subject: unknown,
    peer: Address,
    accepts: (answer: unknown) => answer is T,
    what: string,
  ): T | undefined {
    for (const entry of entries) {
      try {
        const answer = invoke(entry, subject, peer)
        if (answer && !accepts(answer)) throw wrongAnswer(entry.hook, answer, what)
        if (entry.failures !== 0) entry.failures = 0
        if (answer) return answer as T
      } catch (error) {
        this.failed(entry, error, peer)
      }
    }
    return undefined
  }

  /**
   * Strategy `bytes`: each hook may replace the bytes (synchronously); a drop, or a failure of a
   * plugin that fails closed, stops them: then the entry and the reason come back. An answer that
   * is neither bytes, a drop nor nothing is the hook's failure, as a throw is.
   */
  protected bytes(entries: readonly HookEntry[], bytes: Uint8Array, peer: Address): Uint8Array | [HookEntry, string] {
    for (const entry of entries) {
      let result: Uint8Array | Drop | undefined
      try {
        result = invoke(entry, bytes, peer) as typeof result
        // Not ignored: a signer's `async wrap` would otherwise send every datagram unsigned without a word.
        if (result != null && !(result instanceof Uint8Array) && !isDrop(result))
          throw wrongAnswer(entry.hook, result, BYTES)
      } catch (error) {
        if (this.failed(entry, error, peer)) return [entry, `its ${entry.hook} hook failed (the plugin fails closed)`]
        continue
      }
      if (entry.failures !== 0) entry.failures = 0
      if (result instanceof Uint8Array) bytes = result
      else if (isDrop(result)) return [entry, result.drop]
    }
    return bytes
  }

  /**
   * Strategy `waterfall`: each hook gets what the one before returned, or stops it with a drop.
   * Stays synchronous until a hook returns a promise, so plain hooks cost no promise per message.
   */
  protected waterfall<T extends Subject>(
    entries: readonly HookEntry[],
    value: T,
    peer: Address,
    done: (value: T) => void,
    start = 0,
  ): void {
    for (let i = start; i < entries.length; i++) {
      const entry = entries[i]!
      let result: unknown
      try {
        result = invoke(entry, value)
        // An answer that is no message is the hook's failure, as a throw is (one that comes later, below).
        if (result != null && !isThenable(result) && !isDrop(result) && !acceptsMessage(entry.hook, result))
          throw wrongAnswer(entry.hook, result, expectedMessage(entry.hook))
      } catch (error) {
        if (this.failed(entry, error, peer)) return this.failClosed(entry, value)
        continue
      }
      if (result === undefined || result === null) {
        if (entry.failures !== 0) entry.failures = 0
        continue
      }
      if (isThenable(result)) {
        const size = ('bytes' in value ? value.bytes.byteLength : 0) + value.text.length * 2
        this.parked.count++
        this.parked.bytes += size
        this.settle(result as PromiseLike<unknown>, entry, peer).then((outcome) => {
          this.parked.count--
          this.parked.bytes -= size
          if (outcome === FAILED || (outcome != null && !isDrop(outcome) && !this.accepted(entry, outcome, peer))) {
            if (entry.failClosed) return this.failClosed(entry, value)
            return this.waterfall(entries, value, peer, done, i + 1)
          }
          entry.failures = 0
          if (isDrop(outcome)) return this.dropped(entry, outcome.drop, value)
          this.waterfall(entries, (outcome ?? value) as T, peer, done, i + 1)
        })
        return
      }
      if (entry.failures !== 0) entry.failures = 0
      if (isDrop(result)) return this.dropped(entry, result.drop, value)
      value = result as T
    }
    done(value)
  }

  /** Strategy `notify`: each hook is told in turn; a failure (thrown or rejected) is reported and counted, and stops nothing. */
  protected notify(entries: readonly HookEntry[], subject: Subject, peer: Address, detail: number): void {
    for (const entry of entries) {
      try {
        const result = invoke(entry, subject, detail)
        if (result && isThenable(result))
          result.then(
            () => void (entry.failures = 0),
            (error: unknown) => this.failed(entry, error, peer),
          )
        else if (entry.failures !== 0) entry.failures = 0
      } catch (error) {
        this.failed(entry, error, peer)
      }
    }
  }

  /**
   * Whether an inbound or outbound hook's answer is a message the engine can go on with; one that
   * is not (a string, `{}`, a message without its address) is the hook's failure, reported and counted.
   */
  private accepted(entry: HookEntry, answer: unknown, peer: Address): boolean {
    if (acceptsMessage(entry.hook, answer)) return true
    this.failed(entry, wrongAnswer(entry.hook, answer, expectedMessage(entry.hook)), peer)
    return false
  }

  private failClosed(entry: HookEntry, value: Subject): void {
    this.dropped(entry, `its ${entry.hook} hook failed (the plugin fails closed)`, value)
  }

  /** Reports a failure, counts it, switches the hook off past the limit; true when the datagram stops. */
  private failed(entry: HookEntry, error: unknown, peer: Address): boolean {
    const { hook, owner } = entry
    this.emit({ type: 'error', error: asError(error), plugin: owner.plugin.name, hook, peer })
    if (++entry.failures >= this.limits.maxFailures) this.switchOff(entry)
    return entry.failClosed
  }

  /**
   * For a cool-down (or until the next reload), the hook runs no more: it is left out, or, failing
   * closed, drops everything. Not for good: what makes a user's hook throw may be what a peer
   * sends, and a peer must not be able to switch a plugin off. Each trip doubles the cool-down.
   */
  private switchOff(entry: HookEntry): void {
    const set = this.set
    const list = set?.hooks[entry.hook]
    if (!set || !list?.includes(entry)) return
    const { hook, failures, failClosed } = entry
    const reason = `its ${hook} hook is off after ${failures} failures in a row (the plugin fails closed)`
    const next = failClosed ? list.map((e) => (e === entry ? dropping(e, reason) : e)) : list.filter((e) => e !== entry)
    this.set = { ...set, hooks: { ...set.hooks, [hook]: next } }
    const then = failClosed ? 'it now drops every message (the plugin fails closed)' : 'switched off'
    const key = entry.owner as object
    const trips = (this.trips.get(key) ?? 0) + 1
    this.trips.set(key, trips)
    const ms = Math.min(this.limits.coolDown * 2 ** (trips - 1), 600_000)
    const error = new ChatError(
      'E_PLUGIN',
      `its ${hook} hook failed ${failures} times in a row; ${then} for ${ms / 1000} s (or until the next reload)`,
    )
    this.emit({ type: 'error', error, plugin: entry.owner.plugin.name, hook })
    const back = setTimeout(() => this.switchOn(entry, list), ms)
    ;(back as { unref?: () => void }).unref?.()
  }

  /** Puts a switched-off hook back where it was, unless a reload has replaced the plugins since. */
  private switchOn(entry: HookEntry, before: readonly HookEntry[]): void {
    const set = this.set
    const now = set?.hooks[entry.hook]
    if (!set || !now || !set.plugins.includes(entry.owner)) return
    entry.failures = 0
    // The order it had; another plugin's hook keeps its current state (on, off, or dropping).
    const hooks = before.flatMap((e) => (e === entry ? [entry] : now.filter((n) => n.owner === e.owner)))
    this.set = { ...set, hooks: { ...set.hooks, [entry.hook]: hooks } }
    this.limits.logger.withTag(entry.owner.plugin.name).info(`its ${entry.hook} hook is back on`)
  }

  /** The hook's answer, or FAILED once it rejects or outlasts the hook timeout (reported). */
  private settle(promise: PromiseLike<unknown>, entry: HookEntry, peer: Address): Promise<unknown> {
    const ms = this.limits.hookTimeout
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.failed(entry, new ChatError('E_PLUGIN', `its ${entry.hook} hook did not finish within ${ms} ms`), peer)
        resolve(FAILED)
      }, ms)
      promise.then(
        (value) => (clearTimeout(timer), resolve(value)),
        (error: unknown) => (clearTimeout(timer), this.failed(entry, error, peer), resolve(FAILED)),
      )
    })
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown>).then === 'function'
}

/** Runs one hook as a method of its plugin: `hook(subject, ctx)`, and the hook's third argument where it has one. */
function invoke(entry: HookEntry, subject: unknown, third?: unknown): unknown {
  const { plugin, ctx } = entry.owner
  return (entry.run as (this: Plugin, s: unknown, c: PluginContext, t?: unknown) => unknown).call(
    plugin,
    subject,
    ctx,
    third,
  )
}
