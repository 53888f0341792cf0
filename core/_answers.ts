import { isAddress } from './address.ts'
import { describeValue } from './config-errors.ts'
import { ChatError } from './errors.ts'
import type { ChatEvent } from './events.ts'
import type { HookName } from './hooks.ts'
import type { Decoded, Message, Outgoing } from './message.ts'

/** What an inbound hook's changed message must be: what the engine and the terminal and `--json` read of it. */
const MESSAGE_IN = 'a message (text a string, and from, at, bytes and meta kept: { ...message, text })'
/** What an outbound hook's changed message must be: what encode, the guard and the socket use. */
const MESSAGE_OUT = 'a message (text a string, and to and meta kept: { ...message, text })'

/** What a decoder must answer, if anything. */
export const DECODED = 'a decoded message ({ text, encoding }, both strings)'
export const isDecoded = (answer: unknown): answer is Decoded =>
  typeof (answer as Decoded).text === 'string' && typeof (answer as Decoded).encoding === 'string'

/** What an encoder, `unwrap` or `wrap` must answer, if anything (a wire hook may also drop). */
export const BYTES = 'bytes (a Uint8Array)'
export const isBytes = (answer: unknown): answer is Uint8Array => answer instanceof Uint8Array

// Property reads and typeof only: they run for each answer of a hook that changes a message, and allocate nothing.
const isMeta = (meta: unknown) => typeof meta === 'object' && meta !== null

export function isMessage(answer: unknown): answer is Message {
  const m = answer as Message
  return (
    typeof m.text === 'string' &&
    isAddress(m.from) &&
    typeof m.at === 'number' &&
    m.bytes instanceof Uint8Array &&
    isMeta(m.meta)
  )
}

export function isOutgoing(answer: unknown): answer is Outgoing {
  const m = answer as Outgoing
  return typeof m.text === 'string' && isAddress(m.to) && isMeta(m.meta)
}

/** An inbound or outbound hook's answer (neither nothing nor a drop) that the engine can go on with. */
export function acceptsMessage(hook: HookName, answer: unknown): boolean {
  return hook === 'inbound' ? isMessage(answer) : isOutgoing(answer)
}

/** What an inbound or outbound hook's changed message must be, for its error. */
export function expectedMessage(hook: HookName): string {
  return hook === 'inbound' ? MESSAGE_IN : MESSAGE_OUT
}

/**
 * The error of a hook that answered something of the wrong kind, reported as a throw is. A
 * promise from a synchronous hook is let go: its rejection, if any, must not end the process.
 */
export function wrongAnswer(hook: HookName, answer: unknown, what: string): ChatError {
  let why = `its ${hook} hook answered ${describeValue(answer)}, not ${what}`
  if (typeof (answer as PromiseLike<unknown> | undefined)?.then === 'function') {
    ;(answer as PromiseLike<unknown>).then(undefined, () => undefined)
    why += ` (${hook} hooks are synchronous)`
  }
  return new ChatError('E_PLUGIN', why)
}

/** The error of a plugin's call to its context with an argument of the wrong kind (`ctx.send(42, to)`). */
export function wrongArgument(call: string, expected: string, got: unknown): ChatError {
  return new ChatError('E_PLUGIN', `ctx.${call}: expected ${expected}, got ${describeValue(got)}`)
}

/** The same as an `error` event of the plugin: what a context call that cannot throw at its caller reports. */
export function misuse(plugin: string, call: string, expected: string, got: unknown): ChatEvent {
  return { type: 'error', error: wrongArgument(call, expected, got), plugin }
}

// The context's sending calls and what each of their arguments must be.
export const REPLY = 'reply(message, text)'
export const SEND = 'send(text, to)'
export const BROADCAST = 'broadcast(text, to)'
export const TEXT = '`text` to be a string'
export const MESSAGE = '`message` to be a message received (with its `from` address)'
export const TARGET = '`to` to be a contact name, HOST:PORT or an address ({ host, port })'
export const TARGETS = '`to` to be addresses (an array or another iterable)'
export const EACH = 'each of `to` to be an address ({ host, port })'
