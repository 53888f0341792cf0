import type { ConsolaInstance } from 'consola'
import type { Address } from './address.ts'
import type { ResolvedConfig } from './config.ts'
import type { ChatEventHandler } from './events.ts'
import type { Peers, Target } from './peers.ts'
import type { PluginInfo } from './plugin.ts'
import type { ReloadReport } from './reload-report.ts'
import type { UdpTransport } from './runtime/types.ts'

// What `createChat` takes and gives (chat.ts builds it).

export interface ChatOptions {
  /** A validated config (see `resolveConfig`). */
  config: ResolvedConfig
  /** The socket layer; the running runtime's by default. */
  transport?: UdpTransport
  /** Where plugins log; each plugin gets it tagged with its name. */
  logger?: ConsolaInstance
  /** Hears every message, send, drop and error. Without it, errors are logged. */
  onEvent?: ChatEventHandler
  /** How long an async hook, `setup` or `dispose` may take before it is given up, in ms. @default 5000 */
  hookTimeout?: number
  /**
   * After this many failures in a row (throws or timeouts), a hook is switched off for `coolDown`
   * ms (or until the next reload); a plugin that fails closed (`onError: 'drop'`) drops every message instead.
   * @default 10
   */
  maxFailures?: number
  /**
   * How long a hook switched off after `maxFailures` stays off before it is tried again, in ms;
   * twice as long each time it trips again (at most 10 minutes). @default 30000
   */
  coolDown?: number
  /** Report each message's way through the hooks as a `trace` event (what each did, how long). @default false */
  trace?: boolean
  /**
   * The per-datagram events `onEvent` hears: `message` (each datagram in, once through the
   * plugins) and `sent` (each datagram out). They are the only events on the hot path: leave out
   * the ones the handler ignores and the chat does not build them. @default ['message', 'sent']
   */
  datagramEvents?: ReadonlyArray<'message' | 'sent'>
}

/** A bound socket with its plugins running. */
export interface Chat {
  readonly local: Address
  readonly peers: Peers
  /** The plugins in effect, in the order they run. */
  plugins(): PluginInfo[]
  /**
   * Sends text through the outbound chain; resolves once the datagram has left, rejects if it
   * failed or a plugin dropped it. Bytes (a Uint8Array) go out exactly as given: they skip the
   * outbound hooks and the encoder, which work on text.
   */
  send(text: string | Uint8Array, to: Target): Promise<Address>
  /** A contact name or HOST:PORT, as an address. */
  resolve(target: Target): Promise<Address>
  /**
   * True for our own socket's address (any of this machine's when bound to all of them): what
   * comes from it is never handled, so a chat that sends there hears nothing back.
   */
  isOwn(address: Pick<Address, 'host' | 'port'>): boolean
  /**
   * Resolves once no message is being handled: every hook has finished with every datagram
   * received so far, and every send they made has left. The test kit waits on it.
   */
  idle(): Promise<void>
  /**
   * Swaps in the plugins of a new config, as a transaction: sets the new plugins up, swaps them
   * in in one step, then disposes the old ones in reverse. If a setup fails, the new ones are
   * disposed, the old ones keep running and it rejects (ChatError `E_PLUGIN`). The socket stays
   * bound: a datagram is handled by the old plugins or the new ones, never lost. Reloads run one
   * at a time. Contacts of the new config are added; host and port are not applied.
   */
  reload(config: ResolvedConfig): Promise<ReloadReport>
  /** Disposes the plugins (in reverse order), lets their last datagrams leave, closes the socket. */
  close(): Promise<void>
}
