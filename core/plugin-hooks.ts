import type { Address } from './address.ts'
import type { Drop } from './drop.ts'
import type { Decoded, Message, Outgoing } from './message.ts'
import type { PluginContext } from './plugin-context.ts'

type MaybePromise<T> = T | Promise<T>

/** What an `inbound` hook may return: nothing (unchanged), a changed message, or a drop. */
export type InboundResult = MaybePromise<void | Message | Drop>
/** What an `outbound` hook may return: nothing (unchanged), a changed outgoing message, or a drop. */
export type OutboundResult = MaybePromise<void | Outgoing | Drop>

/**
 * The hooks of a plugin. Each is optional; each receives the plugin's context after its subject
 * (`decode` and `encode` also get the peer's address last, to pick an encoding per peer).
 */
export interface PluginHooks<Options = unknown> {
  /**
   * Runs once when the plugin starts, in config order: at the chat's start, and on each reload,
   * which sets up a new instance of every plugin of the config (changed or not).
   */
  setup?(ctx: PluginContext<Options>): void | Promise<void>
  /** Runs once when the plugin stops (the chat closes, or a reload replaces it), in reverse config order. */
  dispose?(ctx: PluginContext<Options>): void | Promise<void>
  /**
   * A datagram as it came off the wire, before anything else sees it: return the bytes to go on
   * with (the same, or a part such as a payload inside a signature), `drop(reason)` to stop it
   * here, or nothing (unchanged). In plugin order; synchronous, as it runs for every datagram.
   * A plugin that must stop what it cannot check (a signature) sets `onError: 'drop'`.
   */
  unwrap?(bytes: Uint8Array, ctx: PluginContext<Options>, from: Address): Uint8Array | Drop | undefined
  /**
   * A datagram's bytes about to leave, after `encode`: return the bytes to send instead (framed,
   * signed), or nothing. In reverse plugin order, so the first plugin's wrapping is the outermost,
   * as its `unwrap` runs first. Synchronous. The copies of a `ctx.broadcast` that encode alike are
   * wrapped once (`to` is the first recipient) and the same bytes go to each.
   */
  wrap?(bytes: Uint8Array, ctx: PluginContext<Options>, to: Address): Uint8Array | undefined
  /** Bytes to text. The first plugin that returns something decodes the datagram; `from` is its sender. */
  decode?(bytes: Uint8Array, ctx: PluginContext<Options>, from: Address): Decoded | undefined
  /** Text to bytes. The first plugin that returns something encodes the message; `to` is where it goes. */
  encode?(text: string, ctx: PluginContext<Options>, to: Address): Uint8Array | undefined
  /** A received message, in order: return a changed message, a `drop()`, or nothing. */
  inbound?(message: Message, ctx: PluginContext<Options>): InboundResult
  /** A message about to be sent, in order: return a changed one, a `drop()`, or nothing. */
  outbound?(message: Outgoing, ctx: PluginContext<Options>): OutboundResult
  /**
   * A message that left: the socket took its datagram (not one that a later hook, a limit or the
   * socket stopped). `message` is as the outbound chain left it; `bytes` is the datagram's size.
   * In plugin order, after the fact: what it returns is ignored. A transcript writes its lines here.
   */
  sent?(message: Outgoing, ctx: PluginContext<Options>, bytes: number): void | Promise<void>
}
