import { formatAddress, type Address } from './address.ts'
import { describeError } from './errors.ts'
import type { Trace } from './trace.ts'
import type { Message } from './message.ts'
import type { GuardCounts } from './guard.ts'

/** Everything a chat reports, for the CLI's terminal and `--json` output or a host program. */
export type ChatEvent =
  | { type: 'listening'; address: Address }
  | { type: 'message'; message: Message }
  | { type: 'sent'; to: Address; peer?: string; text: string; bytes: number; plugin?: string }
  | { type: 'drop'; plugin: string; reason: string; direction: 'inbound' | 'outbound'; peer: Address; text: string }
  | { type: 'error'; error: Error; plugin?: string; hook?: string; peer?: Address }
  | { type: 'closed' }
  /** A plugin's own report (`ctx.report`): its state and counters, e.g. a bridge that is down. */
  | { type: 'status'; plugin: string; status: Record<string, unknown> }
  /**
   * What the limits turned away in the last second (`counts`) and since the start (`total`); only
   * when something was. `lanes`: the peers with a queue of their own now (`limits.lanes`).
   */
  | { type: 'guard'; counts: GuardCounts; total: GuardCounts; lanes: number }
  /** Only with `trace: true`: each message's way through the hooks. */
  | { type: 'trace'; trace: Trace }

export type ChatEventHandler = (event: ChatEvent) => void

/** One line for an error event: `plugin "x" (inbound, 1.2.3.4:5): boom`. */
export function describeEvent(event: Extract<ChatEvent, { type: 'error' }>): string {
  const where = [event.hook, event.peer && formatAddress(event.peer)].filter(Boolean).join(', ')
  const who = event.plugin ? `plugin "${event.plugin}"${where ? ` (${where})` : ''}: ` : ''
  return `${who}${describeError(event.error)}`
}
