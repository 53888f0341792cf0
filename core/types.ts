import type { ConsolaInstance } from 'consola'
import type { StandardSchema } from './standard-schema.ts'
import type { Address } from './address.ts'

export type { Address }

/** One received datagram, decoded. */
export interface Message {
  /** The decoded text. */
  text: string
  /** Who sent it. */
  from: Address
  /** Where it was received (our socket). */
  to?: Address
  /** When it arrived, in milliseconds since the epoch. */
  at: number
  /** The raw datagram, as it came off the wire (after any wire hooks). */
  bytes: Uint8Array
  /** The encoding `text` was decoded with. */
  encoding: string
  /** True when some bytes did not decode and became U+FFFD. */
  malformed?: boolean
  /** Free annotations of plugins, e.g. `meta.peer`: the sender's contact name. */
  meta: Meta
}

/** Annotations on a message: the core sets `peer`; plugins add their own keys. */
export interface Meta {
  /** The contact name of the sender (inbound) or recipient (outbound), when it has one. */
  peer?: string | undefined
  [key: string]: unknown
}

/** A message on its way out, before it is encoded. */
export interface Outgoing {
  text: string
  to: Address
  /** Free annotations of plugins; `meta.peer` holds the recipient's contact name if it has one. */
  meta: Meta
}

/** What a decoder answers: the text and whether any bytes were undecodable. */
export interface Decoded {
  text: string
  encoding: string
  malformed?: boolean
}

/** Returned by a hook to stop a message; `reason` is shown in traces and `--json`. */
export interface Drop {
  readonly drop: string
}

/** Stops the message here, with a reason for whoever is watching. */
export function drop(reason: string): Drop {
  return { drop: reason }
}

export function isDrop(value: unknown): value is Drop {
  return typeof value === 'object' && value !== null && typeof (value as Drop).drop === 'string'
}

type MaybePromise<T> = T | Promise<T>

/** What an `inbound` hook may return: nothing (unchanged), a changed message, or a drop. */
export type InboundResult = MaybePromise<void | Message | Drop>
/** What an `outbound` hook may return: nothing (unchanged), a changed outgoing message, or a drop. */
export type OutboundResult = MaybePromise<void | Outgoing | Drop>

/** Contacts: names and addresses, both ways. */
export interface Peers {
  /** The address of a contact, if the name is known. */
  get(name: string): Address | undefined
  /** The contact name of an address, if it has one. */
  nameOf(address: Pick<Address, 'host' | 'port'>): string | undefined
  /** Adds or replaces a contact. */
  set(name: string, address: Address): void
  /** Every contact, in the order they were added. */
  entries(): Array<[name: string, address: Address]>
}

/** Where a message can go: a contact name, `HOST:PORT`, or an address. */
export type Target = string | Address

/** What each hook and `setup` receive: the chat as one plugin sees it. */
export interface PluginContext<Options = unknown> {
  /** The plugin's name. */
  readonly name: string
  /** The plugin's options, validated by its schema. */
  readonly options: Options
  /** Our socket's address. */
  readonly local: Address
  /** The contact list. */
  readonly peers: Peers
  /** A logger tagged with the plugin's name. */
  readonly logger: ConsolaInstance
  /** Aborted when the plugin is disposed. */
  readonly signal: AbortSignal
  /** State that survives a reload of this plugin (keyed by the plugin's name). */
  readonly store: Map<string, unknown>
  /**
   * True in `dispose` when a reload replaces this plugin with a new instance of the same name
   * (its `store` lives on): skip goodbyes then. False when the chat closes or a reload removes it.
   */
  readonly reloading: boolean
  /** Sends text through the outbound chain; failures are reported, never thrown. */
  send(text: string, to: Target): void
  /**
   * Sends the same text to many addresses, as `send` would to each; cheaper than a loop of
   * `send` when no plugin has an `outbound` hook (each copy then skips the chain).
   */
  broadcast(text: string, to: Iterable<Address>): void
  /**
   * Answers a message: sends `text` to its sender, within the chat's answer budget for that
   * address (`limits.answers`: past it the answer is dropped and counted, so two bots cannot
   * answer each other forever) and its amplification limit.
   */
  reply(message: Message, text: string): void
  /**
   * Reports the plugin's state or counters as a `status` event (`--json` prints it); say the
   * same in words through `logger` for the terminal.
   */
  report(status: Record<string, unknown>): void
  /**
   * Tells the chat that an address has proved it receives what we send (it echoed a cookie):
   * sends to it are no longer held to `limits.amplification`. `false` takes that back (it left).
   */
  markProven(address: Address, proven?: boolean): void
  /** `setTimeout` cleared when the plugin is disposed. */
  setTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout>
  /** `setInterval` cleared when the plugin is disposed. */
  setInterval(fn: () => void, ms: number): ReturnType<typeof setInterval>
}

/**
 * The hooks of a plugin. Each is optional; each receives the plugin's context after its subject
 * (`decode` and `encode` also get the peer's address last, to pick an encoding per peer).
 */
export interface PluginHooks<Options = unknown> {
  /** Runs once when the plugin starts, in config order. */
  setup?(ctx: PluginContext<Options>): void | Promise<void>
  /** Runs once when the plugin stops, in reverse config order. */
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
}

export type { HookName } from './hooks.ts'

/** A plugin: a name, optional options with their schema, and hooks. */
export interface Plugin<Options = unknown> extends PluginHooks<Options> {
  /** Shown in logs, traces and `/plugins`; also the key of the plugin's store. */
  name: string
  /** Runs before (`pre`) or after (`post`) the plugins without it; config order otherwise. */
  enforce?: 'pre' | 'post'
  /**
   * What happens to a message when one of this plugin's hooks throws: `skip` passes it on
   * unchanged, `drop` stops it (a filter such as auth must fail closed).
   * @default 'skip'
   */
  onError?: 'skip' | 'drop'
  /**
   * A schema for `options` (valibot's, or any Standard Schema: zod, arktype...); checked with the
   * rest of the config, before any setup. Its output type becomes `ctx.options`.
   */
  schema?: StandardSchema<unknown, Options>
  /** The options as the user wrote them. */
  options?: unknown
}
