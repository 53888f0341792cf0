import type { Address } from './address.ts'
import { describeError } from './errors.ts'
import type { HookName } from './hooks.ts'
import { isDrop } from './drop.ts'
import { acceptsMessage, BYTES, DECODED, expectedMessage, isBytes, isDecoded, wrongAnswer } from './_answers.ts'
import type { Message, Outgoing } from './message.ts'
import type { Plugin } from './plugin.ts'

/** What one hook did with one message. */
export interface TraceStep {
  plugin: string
  hook: HookName
  /** `unchanged`, `changed`, `dropped`, `replied` (it sent something), `threw`; `decoded`/`encoded` or `passed` for a codec. */
  did: 'unchanged' | 'changed' | 'dropped' | 'replied' | 'threw' | 'decoded' | 'encoded' | 'passed'
  /** The new text, the drop reason, the error... */
  detail?: string
  ms: number
}

/** One message's way through the pipeline (`--trace`). */
export interface Trace {
  direction: 'inbound' | 'outbound'
  peer: Address
  /** The text as it entered the chain. */
  text: string
  steps: TraceStep[]
  /** How it ended: delivered to the sink, dropped, sent, or not sent. */
  outcome: 'delivered' | 'dropped' | 'sent' | 'failed'
}

type Subject = Message | Outgoing
type Run = (this: Plugin, ...args: never[]) => unknown
type Hook = (this: Plugin, value: unknown, ctx: unknown, peer?: unknown) => unknown

const MAX_DETAIL = 60

// A declaration, not a module-level arrow: mutation testing can switch its body on in a test.
function clip(text: string): string {
  return JSON.stringify(text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text)
}

/**
 * Records each hook's outcome and time, and reports each message's way as a `trace` event. It
 * observes the engine: `wrap` times each hook of a traced set of plugins, so a chat without
 * `--trace` runs the plain hooks and pays nothing.
 */
export class Tracer {
  private readonly records = new WeakMap<object, Trace>()
  private readonly sends = new Map<string, number>()
  /** Steps of the decoders or encoders that ran just now, for the message they belong to. */
  private codecSteps: TraceStep[] = []

  /** @param emit hears each message's trace once its way ends (the engine observes through `begin`...`end`) */
  constructor(private readonly emit: (event: { type: 'trace'; trace: Trace }) => void) {}

  /** The hook as a traced set runs it: the same, timed (a `HookWrapper`). */
  wrap = (run: Run, hook: HookName, plugin: Plugin): Run => {
    // The wire hooks (`unwrap`, `wrap`) work on bytes, outside a message's steps.
    if (hook === 'unwrap' || hook === 'wrap' || hook === 'sent') return run
    const fn = run as unknown as Hook
    return (hook === 'decode' || hook === 'encode'
      ? this.codec(plugin, hook, fn)
      : this.chain(plugin, hook, fn)) as unknown as Run
  }

  sent(plugin: string): void {
    this.sends.set(plugin, (this.sends.get(plugin) ?? 0) + 1)
  }

  begin(subject: Subject): void {
    const inbound = 'from' in subject
    const peer = inbound ? subject.from : subject.to
    const direction = inbound ? 'inbound' : 'outbound'
    this.records.set(subject, { direction, peer, text: subject.text, steps: this.codecSteps, outcome: 'failed' })
    this.codecSteps = []
  }

  encoded(subject: Outgoing): void {
    this.records.get(subject)?.steps.push(...this.codecSteps)
    this.codecSteps = []
  }

  /** A step taken outside the hooks (the guard refusing a send). */
  note(subject: Subject, step: TraceStep): void {
    this.records.get(subject)?.steps.push(step)
  }

  end(subject: Subject, outcome: Trace['outcome']): void {
    const trace = this.records.get(subject)
    if (!trace) return
    this.records.delete(subject)
    trace.outcome = outcome
    this.emit({ type: 'trace', trace })
  }

  private codec(plugin: Plugin, hook: 'decode' | 'encode', fn: Hook): Hook {
    const steps = () => this.codecSteps
    return function (value, ctx, peer) {
      const began = performance.now()
      try {
        const result = fn.call(plugin, value, ctx, peer) as { encoding?: string; byteLength?: number } | undefined
        if (result && !(hook === 'decode' ? isDecoded(result) : isBytes(result))) {
          // The engine reports it as the hook's failure and asks the next one.
          const detail = wrongAnswer(hook, result, hook === 'decode' ? DECODED : BYTES).message
          steps().push({ plugin: plugin.name, hook, did: 'threw', detail, ms: performance.now() - began })
          return result
        }
        const did = result ? (hook === 'decode' ? 'decoded' : 'encoded') : 'passed'
        const detail = result ? (hook === 'decode' ? result.encoding : `${result.byteLength} bytes`) : undefined
        steps().push({ plugin: plugin.name, hook, did, detail, ms: performance.now() - began })
        return result
      } catch (error) {
        steps().push({
          plugin: plugin.name,
          hook,
          did: 'threw',
          detail: describeError(error),
          ms: performance.now() - began,
        })
        throw error
      }
    }
  }

  private chain(plugin: Plugin, hook: 'inbound' | 'outbound', fn: Hook): Hook {
    const { records, sends } = this
    return function (value, ctx) {
      const trace = records.get(value as object)
      const began = performance.now()
      const sendsBefore = sends.get(plugin.name) ?? 0
      const step = (did: TraceStep['did'], detail?: string) =>
        trace?.steps.push({ plugin: plugin.name, hook, did, detail, ms: performance.now() - began })
      const outcome = (result: unknown) => {
        if (isDrop(result)) step('dropped', result.drop)
        else if (result !== undefined && result !== null && !acceptsMessage(hook, result)) {
          // The engine reports it as the hook's failure and goes on with the message as it was.
          step('threw', wrongAnswer(hook, result, expectedMessage(hook)).message)
        } else if (result && result !== value) {
          if (trace) records.set(result as object, trace)
          step(
            'changed',
            (result as Subject).text === (value as Subject).text ? 'meta' : clip((result as Subject).text),
          )
        } else step((sends.get(plugin.name) ?? 0) > sendsBefore ? 'replied' : 'unchanged')
        return result
      }
      const threw = (error: unknown) => {
        step('threw', describeError(error))
        throw error
      }
      let result: unknown
      try {
        result = fn.call(plugin, value, ctx)
      } catch (error) {
        return threw(error)
      }
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
        return (result as PromiseLike<unknown>).then(outcome, threw)
      }
      return outcome(result)
    }
  }
}
