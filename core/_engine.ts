import { formatAddress, type Address } from './address.ts'
import { ChatError } from './errors.ts'
import type { ChatEventHandler } from './events.ts'
import type { HookName } from './hooks.ts'
import { toHex } from './hex.ts'
import type { SendCallback } from './runtime/types.ts'
import { maxDatagram, oversizeError } from './runtime/_errors.ts'
import type { Decoded, Message, Outgoing } from './message.ts'
import type { Target } from './peers.ts'
import { decodeUtf8, encodeUtf8 } from './utf8.ts'
import { HELD, type Guard } from './guard.ts'
import { HookRunner, type Subject } from './_hook-runner.ts'
import { InFlight } from './_in-flight.ts'
import { asError, type HookEntry, type PluginSet } from './_plugin-set.ts'

/** Hears the engine's work: each message's start and end (tracing; hooks are observed through `HookWrapper`). */
export interface EngineObserver {
  begin(subject: Subject): void
  /** A plugin sent something (while handling a message, that is a reply). */
  sent(plugin: string): void
  /** An outgoing message was encoded: the encoders that just ran belong to it. */
  encoded(subject: Outgoing): void
  /** A step taken outside the hooks (the guard refusing a send). */
  note(subject: Outgoing, step: { plugin: string; hook: HookName; did: 'dropped'; detail: string; ms: number }): void
  end(subject: Subject, outcome: 'delivered' | 'dropped' | 'sent' | 'failed'): void
}

export interface EngineOptions {
  emit: ChatEventHandler
  /** The contact name of an address. */
  nameOf(address: Address): string | undefined
  /** A contact name or HOST:PORT, as an address. */
  resolve(target: Target): Promise<Address>
  /** Hands the bytes to the socket. */
  output(bytes: Uint8Array, to: Address, done: SendCallback): void
  /** The rate limit before decode, the answer budget and the amplification limit at send. */
  guard: Guard
  hookTimeout: number
  maxFailures: number
  /** How long a switched-off hook stays off (doubling each time it trips again). */
  coolDown: number
  /** Says when a switched-off hook is back on. */
  logger: { withTag(tag: string): { info(text: string): void } }
  /** Build `message` and `sent` events. */
  hear: { message: boolean; sent: boolean }
  observer?: EngineObserver
}

type Done = (error?: ChatError) => void

/**
 * The only caller of message hooks: a datagram in (`receive`) or a text out (`send`), events
 * out. Inbound: guard, unwrap, decode, inbound hooks, a `message` event. Outbound: outbound
 * hooks, encode, wrap, the send budget, the socket. It counts the work in flight (`idle`).
 */
export class Engine extends HookRunner {
  /** Our socket's address (each message's `to`), once it is bound. */
  local: Address | undefined
  private closed = false
  private readonly work = new InFlight()
  private readonly queued: Array<() => void> = []
  // Datagrams that arrive while the plugins start, kept for them (within `HELD`).
  private readonly early: Array<[Uint8Array, Address, number]> = []
  private earlyBytes = 0
  // Whoever waits on a send, by the message's meta (hooks that change a message keep it): a drop settles it too.
  private readonly waiting = new WeakMap<object, Done>()
  private readonly o: EngineOptions
  /** While a datagram is handled (synchronously), its arrival time: the time of whatever its hooks send there and then. */
  private arrival: number | undefined

  constructor(options: EngineOptions) {
    super(options.emit, options)
    this.o = options
  }

  /** Puts a set of plugins in effect in one step (work in the old one finishes there); without one, sends fail. */
  use(set: PluginSet | undefined): void {
    this.set = set
    if (!set) return
    for (const send of this.queued.splice(0)) send()
    // Already through the guard when they came: replayed past it, with their arrival time.
    this.earlyBytes = 0
    for (const [bytes, from, at] of this.early.splice(0)) if (!this.closed) this.handle(set, bytes, from, at)
  }

  /** Takes no more datagrams (the chat is closing); sends go on until `use(undefined)`. */
  close(): void {
    this.closed = true
  }

  receive(bytes: Uint8Array, from: Address): void {
    const now = Date.now()
    if (this.closed || !this.o.guard.admit(bytes.byteLength, from, now)) return
    const set = this.set
    if (!set) return this.hold(bytes, from, now)
    // A slow async hook under a flood: what waits for it is bounded too.
    if (this.parked.count >= HELD.count || this.parked.bytes >= HELD.bytes) return this.o.guard.busy()
    this.arrival = now
    try {
      this.handle(set, bytes, from, now)
    } finally {
      this.arrival = undefined
    }
  }

  private hold(bytes: Uint8Array, from: Address, now: number): void {
    if (this.early.length >= HELD.count || this.earlyBytes + bytes.byteLength > HELD.bytes) return this.o.guard.busy()
    this.early.push([bytes, from, now])
    this.earlyBytes += bytes.byteLength
  }

  /** The time for the guard: a datagram's replies made while it is handled share its arrival time (one clock read). */
  private now(): number {
    return this.arrival ?? Date.now()
  }

  private handle(set: PluginSet, bytes: Uint8Array, from: Address, now: number): void {
    if (set.hooks.unwrap.length) {
      const unwrapped = this.bytes(set.hooks.unwrap, bytes, from)
      // Not accepted, so nothing of the datagram is shown.
      if (!(unwrapped instanceof Uint8Array))
        return this.refused(unwrapped[0].owner.plugin.name, unwrapped[1], from, '', 'inbound')
      bytes = unwrapped
    }
    const decoders = set.hooks.decode
    const decoded = (decoders.length && this.first<Decoded>(decoders, bytes, from)) || decodeUtf8(bytes)
    const { text, encoding } = decoded
    const message: Message = { text, from, to: this.local, at: now, bytes, encoding, meta: {} }
    if (decoded.malformed) message.malformed = true
    const peer = this.o.nameOf(from)
    if (peer !== undefined) message.meta.peer = peer
    this.o.observer?.begin(message)
    this.work.start()
    this.waterfall(set.hooks.inbound, message, from, this.deliver)
  }

  private readonly deliver = (message: Message): void => {
    this.o.observer?.end(message, 'delivered')
    if (this.o.hear.message) this.o.emit({ type: 'message', message })
    this.settled()
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
    this.waterfall(set.hooks.outbound, first, to, (out) => {
      const encoders = set.hooks.encode
      const bytes = (encoders.length && this.first<Uint8Array>(encoders, out.text, out.to)) || encodeUtf8(out.text)
      this.o.observer?.encoded(out)
      const wire = set.hooks.wrap.length ? this.bytes(set.hooks.wrap, bytes, out.to) : bytes
      if (!(wire instanceof Uint8Array)) return this.stopped(out, wire[1], wire[0].owner.plugin.name, done)
      this.leave(wire, out, plugin, done, limited && !done)
    })
  }

  /** Bytes go out exactly as given: they skip the outbound hooks and the encoder, which work on text. */
  sendBytes(bytes: Uint8Array, to: Address, done: Done): void {
    this.work.start()
    this.leave(bytes, this.outgoing(`hex:${toHex(bytes)}`, to), undefined, done)
  }

  /** A plugin's answer to a message, within the guard's answer budget for its sender. */
  replyFrom(plugin: string, message: Message, text: string): void {
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
    const set = this.set
    if (!set || set.hooks.outbound.length !== 0 || this.o.observer) {
      for (const to of targets) {
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
      const out = this.outgoing(text, to)
      this.work.start()
      const bytes = utf8 ?? ((encoders.length && this.first<Uint8Array>(encoders, text, to)) || encodeUtf8(text))
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
    const size = bytes.byteLength
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
          this.o.emit({ type: 'sent', to: out.to, peer, text: out.text, bytes: bytes.byteLength, plugin })
        }
        const told = this.set?.hooks.sent
        if (told !== undefined && told.length !== 0) this.notify(told, out, out.to, bytes.byteLength)
      }
      done?.(error)
      this.settled()
    })
  }

  private settled(): void {
    this.work.end()
  }

  protected dropped(entry: HookEntry, reason: string, subject: Subject): void {
    const name = entry.owner.plugin.name
    if ('from' in subject) {
      this.refused(name, reason, subject.from, subject.text, 'inbound')
      this.o.observer?.end(subject, 'dropped')
      return this.settled()
    }
    const error = new ChatError('E_SEND', `Not sent to ${formatAddress(subject.to)}: ${name} dropped it (${reason})`)
    this.stopped(subject, reason, name, this.waiting.get(subject.meta), error)
  }

  /** An outgoing message that does not leave: a drop event, its trace ended, its sender told. */
  private stopped(out: Outgoing, reason: string, plugin: string, done?: Done, error?: ChatError): void {
    this.refused(plugin, reason, out.to, out.text, 'outbound')
    this.o.observer?.end(out, 'dropped')
    done?.(error ?? new ChatError('E_PLUGIN', `Not sent: ${reason}`))
    this.settled()
  }

  private refused(
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
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
