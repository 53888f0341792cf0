import type { Address } from './address.ts'
import type { ChatError } from './errors.ts'
import type { ChatEventHandler } from './events.ts'
import type { Guard } from './guard.ts'
import type { HookName } from './hooks.ts'
import type { Outgoing } from './message.ts'
import type { Target } from './peers.ts'
import type { SendCallback } from './runtime/types.ts'
import type { Subject } from './_hook-runner.ts'

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

/** Told how a send ended: nothing when the datagram left, else why not. */
export type Done = (error?: ChatError) => void
