import { formatAddress, type Address } from './address.ts'
import { ChatError } from './errors.ts'
import type { Message, Outgoing } from './message.ts'
import { decodeUtf8 } from './utf8.ts'
import { HELD } from './guard.ts'
import type { EngineOptions } from './_engine-options.ts'
import type { Subject } from './_hook-runner.ts'
import type { HookEntry, PluginSet } from './_plugin-set.ts'
import { Sender } from './_sender.ts'
import { DECODED, isDecoded } from './_answers.ts'

export type { EngineObserver, EngineOptions } from './_engine-options.ts'

/**
 * The only caller of message hooks: a datagram in (`receive`) or a text out (`send`, in
 * `Sender`), events out. Inbound: guard, unwrap, decode, inbound hooks, a `message` event.
 * Outbound: outbound hooks, encode, wrap, the send budget, the socket. It counts the work in
 * flight (`idle`).
 */
export class Engine extends Sender {
  /** Our socket's address (each message's `to`), once it is bound. */
  local: Address | undefined
  // Datagrams that arrive while the plugins start, kept for them (within `HELD`).
  private readonly early: Array<[Uint8Array, Address, number]> = []
  private earlyBytes = 0

  constructor(options: EngineOptions) {
    super(options)
  }

  /** Puts a set of plugins in effect in one step (work in the old one finishes there); without one, sends fail. */
  use(set: PluginSet | undefined): void {
    this.set = set
    if (!set) return
    this.sendQueued()
    // Already through the guard when they came: replayed past it, with their arrival time.
    this.earlyBytes = 0
    for (const [bytes, from, at] of this.early.splice(0)) if (!this.closed) this.handle(set, bytes, from, at)
  }

  /** Messages whose handling goes on in a promise now (an async hook's). */
  get awaiting(): number {
    return this.parked.count
  }

  /** Takes no more datagrams (the chat is closing); sends go on until `use(undefined)`. */
  close(): void {
    this.closed = true
  }

  /**
   * A datagram in, read at `now`; false when the guard turned its source away (over its rate) or
   * the chat is closing.
   */
  receive(bytes: Uint8Array, from: Address, now = Date.now()): boolean {
    // `length`, not `byteLength`: V8 reads the one as a field, the other through a call (bench/NOTES.md).
    if (this.closed || !this.o.guard.admit(bytes.length, from, now)) return false
    const set = this.set
    if (!set) this.hold(bytes, from, now)
    // A slow async hook under a flood: what waits for it is bounded too.
    else if (this.parked.count >= HELD.count || this.parked.bytes >= HELD.bytes) this.o.guard.busy()
    else {
      this.arrival = now
      try {
        this.handle(set, bytes, from, now)
      } finally {
        this.arrival = undefined
      }
    }
    return true
  }

  private hold(bytes: Uint8Array, from: Address, now: number): void {
    if (this.early.length >= HELD.count || this.earlyBytes + bytes.length > HELD.bytes) return this.o.guard.busy()
    this.early.push([bytes, from, now])
    this.earlyBytes += bytes.length
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
    const decoded = (decoders.length && this.first(decoders, bytes, from, isDecoded, DECODED)) || decodeUtf8(bytes)
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

  protected dropped(entry: HookEntry, reason: string, subject: Subject): void {
    const name = entry.owner.plugin.name
    // By the hook, not by the message's keys: an outbound hook may answer a message spread from an inbound one.
    if (entry.hook === 'inbound') {
      const message = subject as Message
      this.refused(name, reason, message.from, message.text, 'inbound')
      this.o.observer?.end(message, 'dropped')
      return this.settled()
    }
    const out = subject as Outgoing
    const error = new ChatError('E_SEND', `Not sent to ${formatAddress(out.to)}: ${name} dropped it (${reason})`)
    this.stopped(out, reason, name, this.waiting.get(out.meta), error)
  }
}
