import { describeError } from './errors.ts'
import type { Slot } from './pipeline.ts'
import type { Address } from './address.ts'
import { isDrop, type HookName, type Message, type Outgoing, type Plugin } from './types.ts'

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
type Hook = (value: unknown, ctx: unknown, peer?: unknown) => unknown

const MAX_DETAIL = 60
const clip = (text: string) => JSON.stringify(text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}...` : text)

/**
 * Records each hook's outcome and time. It works by wrapping the hooks of a traced pipeline, so
 * a chat without `--trace` runs the plain hooks and pays nothing.
 */
export class Tracer {
  private readonly records = new WeakMap<object, Trace>()
  private readonly sends = new Map<string, number>()
  /** Steps of the decoders or encoders that ran just now, for the message they belong to. */
  private codecSteps: TraceStep[] = []

  /** The plugin as a traced pipeline runs it: the same, with each hook timed. */
  wrap = ({ plugin }: Slot): Plugin => {
    const wrapped: Plugin = { ...plugin }
    for (const hook of ['decode', 'encode', 'inbound', 'outbound'] as const) {
      const fn = plugin[hook] as Hook | undefined
      if (fn) (wrapped as unknown as Record<HookName, Hook>)[hook] = hook === 'decode' || hook === 'encode' ? this.codec(plugin, hook, fn) : this.chain(plugin, hook, fn)
    }
    return wrapped
  }

  /** A plugin sent something (a reply shows as `replied`). */
  sent(plugin: string): void {
    this.sends.set(plugin, (this.sends.get(plugin) ?? 0) + 1)
  }

  /** A message enters its chain: the decoders that just ran belong to it. */
  begin(subject: Subject): void {
    const inbound = 'from' in subject
    this.records.set(subject, { direction: inbound ? 'inbound' : 'outbound', peer: inbound ? subject.from : subject.to, text: subject.text, steps: this.codecSteps, outcome: 'failed' })
    this.codecSteps = []
  }

  /** An outgoing message was just encoded: the encoders that ran belong to it. */
  encoded(subject: Outgoing): void {
    this.records.get(subject)?.steps.push(...this.codecSteps)
    this.codecSteps = []
  }

  /** A step taken outside the hooks (the guard refusing a send). */
  note(subject: Subject, step: TraceStep): void {
    this.records.get(subject)?.steps.push(step)
  }

  finish(subject: Subject, outcome: Trace['outcome']): Trace | undefined {
    const trace = this.records.get(subject)
    if (!trace) return undefined
    this.records.delete(subject)
    trace.outcome = outcome
    return trace
  }

  private codec(plugin: Plugin, hook: 'decode' | 'encode', fn: Hook): Hook {
    return (value, ctx, peer) => {
      const began = performance.now()
      try {
        const result = fn.call(plugin, value, ctx, peer) as { encoding?: string; byteLength?: number } | undefined
        const did = result ? (hook === 'decode' ? 'decoded' : 'encoded') : 'passed'
        const detail = result ? (hook === 'decode' ? result.encoding : `${result.byteLength} bytes`) : undefined
        this.codecSteps.push({ plugin: plugin.name, hook, did, detail, ms: performance.now() - began })
        return result
      } catch (error) {
        this.codecSteps.push({ plugin: plugin.name, hook, did: 'threw', detail: describeError(error), ms: performance.now() - began })
        throw error
      }
    }
  }

  private chain(plugin: Plugin, hook: 'inbound' | 'outbound', fn: Hook): Hook {
    return (value, ctx) => {
      const trace = this.records.get(value as object)
      const began = performance.now()
      const sendsBefore = this.sends.get(plugin.name) ?? 0
      const step = (did: TraceStep['did'], detail?: string) =>
        trace?.steps.push({ plugin: plugin.name, hook, did, detail, ms: performance.now() - began })
      const outcome = (result: unknown) => {
        if (isDrop(result)) step('dropped', result.drop)
        else if (result && result !== value) {
          if (trace) this.records.set(result as object, trace)
          step('changed', (result as Subject).text === (value as Subject).text ? 'meta' : clip((result as Subject).text))
        } else step((this.sends.get(plugin.name) ?? 0) > sendsBefore ? 'replied' : 'unchanged')
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
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') return (result as PromiseLike<unknown>).then(outcome, threw)
      return outcome(result)
    }
  }
}
