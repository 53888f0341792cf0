import type { ConsolaInstance } from 'consola'
import type { Address } from './address.ts'
import type { Message } from './message.ts'
import type { Peers, Target } from './peers.ts'

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
   * Sends the same text to many addresses, through the chain as `send` would to each; cheaper
   * than a loop of `send` when no plugin has an `outbound` hook (each copy then skips the chain).
   * For members a plugin admitted (a relay's room): unlike `send` to an address from a message,
   * the copies are not held to `limits.amplification` (a member that only sends heartbeats must
   * still get every line), so bound the room yourself (members per address, line length).
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
