import { isAddress, type Address } from './address.ts'
import { ChatError } from './errors.ts'
import { toHex } from './hex.ts'
import { maxDatagram, oversizeError } from './runtime/_errors.ts'
import type { Message, Outgoing } from './message.ts'
import type { Target } from './peers.ts'
import { encodeUtf8 } from './utf8.ts'
import type { Done, EngineOptions } from './_engine-options.ts'
import { BROADCAST, BYTES, EACH, isBytes, MESSAGE, misuse, REPLY, SEND, TARGET, TARGETS, TEXT } from './_answers.ts'
import { HookRunner } from './_hook-runner.ts'
import { InFlight } from './_in-flight.ts'
import { asError, type PluginSet } from './_plugin-set.ts'

/**
 * The engine's way out: a text through the outbound hooks, encode, wrap, the guard's limits, the
 * socket; a plugin's reply, send and broadcast; the work in flight until each send has left.
 * `Engine` adds the way in.
 */
export abstract class Sender extends HookRunner {
  protected closed = false
  protected readonly work = new InFlight()
  private readonly queued: Array<() => void> = []
  // Whoever waits on a send, by the message's meta (hooks that change a message keep it): a drop settles it too.
  protected readonly waiting = new WeakMap<object, Done>()
  protected readonly o: EngineOptions
  /** While a datagram is handled (synchronously), its arrival time: the time of whatever its hooks send there and then. */
  protected arrival: number | undefined

  protected constructor(options: EngineOptions) {
    super(options.emit, options)
    this.o = options
  }

  /** Sends held while no plugins were in effect go now. */
  protected sendQueued(): void {
    for (const send of this.queued.splice(0)) send()
  }

  /** The time for the guard: a datagram's replies made while it is handled share its arrival time (one clock read). */
  protected now(): number {
    return this.arrival ?? Date.now()
  }

  /**
   * Sends through the outbound hooks; without `done`, a failure is an error event (a plugin's sends).
   * `limited`: a plugin's send to an address it got from the network, held to the amplification limit.
   */
  send(text: string, to: Address, plugin?: string, done?: Done, limited = false): void {
    const set = this.set
    if (!set) {
      if (!this.closed) return void this.queued.push(() => this.send(text, to, plugin, done, limited))
      const error = new ChatError('E_SEND', 'The chat is not running')
      return done ? done(error) : this.o.emit({ type: 'error', error, plugin, peer: to })
    }
    const first = this.outgoing(text, to)
    if (done) this.waiting.set(first.meta, done)
    this.o.observer?.begin(first)
    this.work.start()
    // Without outbound hooks (an echo, say) nothing can wait: no callback is made for the chain.
    const outbound = set.hooks.outbound
    if (outbound.length === 0) return this.encode(set, first, plugin, done, limited)
    this.waterfall(outbound, first, to, (out) => this.encode(set, out, plugin, done, limited))
  }

  /** After the outbound hooks: encode, wrap, and out. */
  private encode(set: PluginSet, out: Outgoing, plugin: string | undefined, done: Done | undefined, limited: boolean) {
    const encoders = set.hooks.encode
    const bytes = (encoders.length && this.first(encoders, out.text, out.to, isBytes, BYTES)) || encodeUtf8(out.text)
    this.o.observer?.encoded(out)
    const wire = set.hooks.wrap.length ? this.bytes(set.hooks.wrap, bytes, out.to) : bytes
    if (!(wire instanceof Uint8Array)) return this.stopped(out, wire[1], wire[0].owner.plugin.name, done)
    this.leave(wire, out, plugin, done, limited && !done)
  }

  /** Bytes go out exactly as given: they skip the outbound hooks and the encoder, which work on text. */
  sendBytes(bytes: Uint8Array, to: Address, done: Done): void {
    this.work.start()
    this.leave(bytes, this.outgoing(`hex:${toHex(bytes)}`, to), undefined, done)
  }

  /** A plugin's answer to a message, within the guard's answer budget for its sender. */
  replyFrom(plugin: string, message: Message, text: string): void {
    if (typeof text !== 'string') return this.misused(plugin, REPLY, TEXT, text)
    if (!isAddress(message?.from)) return this.misused(plugin, REPLY, MESSAGE, message)
    this.o.observer?.sent(plugin)
    if (this.o.guard.answer(message.from, this.now())) return this.send(text, message.from, plugin, undefined, true)
    this.refused(
      plugin,
      `guard: ${message.from.host} is over its answer budget (limits.answers)`,
      message.from,
      text,
      'outbound',
    )
  }

  /** A plugin's send: a target to resolve first, or an address (from the network: held to the limits). */
  sendFrom(plugin: string, text: string, to: Target): void {
    if (typeof text !== 'string') return this.misused(plugin, SEND, TEXT, text)
    if (typeof to !== 'string' && !isAddress(to)) return this.misused(plugin, SEND, TARGET, to)
    this.o.observer?.sent(plugin)
    if (typeof to !== 'string') return this.send(text, to, plugin, undefined, true)
    this.work.start()
    this.o.resolve(to).then(
      (address) => (this.send(text, address, plugin), this.settled()),
      (error: unknown) => (this.o.emit({ type: 'error', error: asError(error), plugin }), this.settled()),
    )
  }

  /**
   * The same text to many. With no outbound hook to treat copies apart, each skips the chain: the
   * utf-8 default encodes once, and copies that encode alike are wrapped once (one signature for
   * the whole broadcast, so a copy replayed at another recipient is one it has seen already).
   */
  broadcast(plugin: string, text: string, targets: Iterable<Address>): void {
    if (typeof text !== 'string') return this.misused(plugin, BROADCAST, TEXT, text)
    // A string is iterable too, but its characters are no addresses.
    if (typeof targets === 'string' || typeof targets?.[Symbol.iterator] !== 'function')
      return this.misused(plugin, BROADCAST, TARGETS, targets)
    const set = this.set
    if (!set || set.hooks.outbound.length !== 0 || this.o.observer) {
      for (const to of targets) {
        if (!isAddress(to)) {
          this.misused(plugin, BROADCAST, EACH, to)
          continue
        }
        this.o.observer?.sent(plugin)
        this.send(text, to, plugin)
      }
      return
    }
    const { encode: encoders, wrap: wrappers } = set.hooks
    const utf8 = encoders.length === 0 ? encodeUtf8(text) : undefined
    let plain: Uint8Array | undefined
    let wrapped: Uint8Array | undefined
    for (const to of targets) {
      if (!isAddress(to)) {
        this.misused(plugin, BROADCAST, EACH, to)
        continue
      }
      const out = this.outgoing(text, to)
      this.work.start()
      const bytes = utf8 ?? ((encoders.length && this.first(encoders, text, to, isBytes, BYTES)) || encodeUtf8(text))
      if (!wrappers.length) {
        this.leave(bytes, out, plugin)
        continue
      }
      if (!wrapped || !plain || !sameBytes(plain, bytes)) {
        const wire = this.bytes(wrappers, bytes, to)
        if (!(wire instanceof Uint8Array)) {
          plain = wrapped = undefined
          this.stopped(out, wire[1], wire[0].owner.plugin.name)
          continue
        }
        plain = bytes
        wrapped = wire
      }
      this.leave(wrapped, out, plugin)
    }
  }

  /** Resolves once no message is being handled and every send has left. */
  idle(): Promise<void> {
    return this.work.idle()
  }

  private outgoing(text: string, to: Address): Outgoing {
    const out: Outgoing = { text, to, meta: {} }
    const peer = this.o.nameOf(to)
    if (peer !== undefined) out.meta.peer = peer
    return out
  }

  /** Why a plugin's datagram may not leave (over the amplification limit); undefined if it may. */
  private refuse(size: number, out: Outgoing, limited: boolean): string | undefined {
    if (!limited || out.meta.peer !== undefined || this.o.guard.send(out.to, size, this.now())) return undefined
    const factor = this.o.guard.budget!.factor
    return (
      `guard: ${out.to.host} has not proved it receives what we send; ` +
      `it was already sent ${factor}x what it sent (limits.amplification)`
    )
  }

  /**
   * Every datagram leaves here (sends, replies, broadcasts, raw bytes), so the size check is here
   * once, before the amplification limit spends anything: over UDP's limit, a plugin's datagram
   * is dropped with a reason, a caller's send fails. `limited`: held to the amplification limit.
   */
  private leave(bytes: Uint8Array, out: Outgoing, plugin: string | undefined, done?: Done, limited = false): void {
    const size = bytes.length
    const max = maxDatagram(out.to.family)
    if (size > max && done) {
      this.o.observer?.end(out, 'failed')
      done(oversizeError(size, out.to))
      return this.settled()
    }
    const refused =
      size > max ? `guard: ${size} bytes is over the datagram limit (${max})` : this.refuse(size, out, limited)
    if (refused !== undefined) {
      this.o.observer?.note(out, { plugin: 'guard', hook: 'outbound', did: 'dropped', detail: refused, ms: 0 })
      return this.stopped(out, refused, plugin ?? 'guard', done)
    }
    this.o.output(bytes, out.to, (error) => {
      this.o.observer?.end(out, error ? 'failed' : 'sent')
      if (error) {
        if (!done) this.o.emit({ type: 'error', error, plugin, peer: out.to })
      } else {
        if (this.o.hear.sent) {
          const peer = out.meta.peer as string | undefined
          this.o.emit({ type: 'sent', to: out.to, peer, text: out.text, bytes: size, plugin })
        }
        const told = this.set?.hooks.sent
        if (told !== undefined && told.length !== 0) this.notify(told, out, out.to, size)
      }
      done?.(error)
      this.settled()
    })
  }

  /** A plugin's call with an argument of the wrong kind: one error of the plugin, and nothing sent or in flight. */
  private misused(plugin: string, call: string, expected: string, got: unknown): void {
    this.o.emit(misuse(plugin, call, expected, got))
  }

  protected settled(): void {
    this.work.end()
  }

  /** An outgoing message that does not leave: a drop event, its trace ended, its sender told. */
  protected stopped(out: Outgoing, reason: string, plugin: string, done?: Done, error?: ChatError): void {
    this.refused(plugin, reason, out.to, out.text, 'outbound')
    this.o.observer?.end(out, 'dropped')
    done?.(error ?? new ChatError('E_PLUGIN', `Not sent: ${reason}`))
    this.settled()
  }

  protected refused(
    plugin: string,
    reason: string,
    peer: Address,
    text: string,
    direction: 'inbound' | 'outbound',
  ): void {
    this.o.emit({ type: 'drop', plugin, reason, direction, peer, text })
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
