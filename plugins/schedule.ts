import * as v from 'valibot'
import { checkTarget, definePlugin, type Plugin } from '../core/index.ts'
import type { Agree, WithDefaults } from './_options.ts'

/** The options of `schedule()`. */
export interface ScheduleOptions {
  /** Where each datagram goes: a contact name or HOST:PORT. */
  to: string
  /** The text; `{seq}` becomes 1, 2, ... and `{time}` the local time (`HH:MM:SS`). */
  text: string
  /** Milliseconds between sends (at least 10). */
  every: number
  /** Stop after this many sends; forever when left out. */
  times?: number
  /** Send the first one at once, rather than after one interval. @default false */
  now?: boolean
  /** Where the time comes from; for tests. @default () => new Date() */
  clock?: () => Date
}

/** `schedule()`'s options with their defaults (its `ctx.options`). */
export type ScheduleSettings = WithDefaults<ScheduleOptions, 'now'>

// Built per plugin rather than at module level, where the mutation tests cannot switch a change
// on per test (docs/mutation-equivalents.md).
function optionsSchema() {
  return v.object({
    to: v.pipe(v.string('a contact name or HOST:PORT'), v.minLength(1, 'a contact name or HOST:PORT')),
    text: v.string('the text to send (string)'),
    every: v.pipe(
      v.number('a number of milliseconds'),
      v.integer('a whole number of milliseconds'),
      v.minValue(10, 'at least 10 ms'),
    ),
    times: v.optional(
      v.pipe(v.number('a number of sends'), v.integer('a whole number of sends'), v.minValue(1, 'at least 1 send')),
    ),
    now: v.optional(v.boolean('true or false'), false),
    clock: v.optional(v.custom<() => Date>((x) => typeof x === 'function', 'a function returning a Date')),
  })
}
type Options = ReturnType<typeof optionsSchema>

type _Checked = [Agree<v.InferInput<Options>, ScheduleOptions>, Agree<v.InferOutput<Options>, ScheduleSettings>]

/** `{seq}` (1, 2, ...) and `{time}` (HH:MM:SS, local) in a repeated text; nothing else changes. */
export function fillPlaceholders(text: string, seq: number, now = new Date()): string {
  return text.replace(/\{(seq|time)\}/g, (_, name: string) =>
    name === 'seq' ? String(seq) : now.toTimeString().slice(0, 8),
  )
}

/**
 * Sends a text to a target every `every` ms (`times` times, or until the chat stops), what a debug
 * assistant's "send every N ms" does. The timer is the plugin's own: it stops when the chat
 * closes and when a reload replaces the plugin; the count (`{seq}`, one per target) goes on across a reload.
 */
export function schedule(options: ScheduleOptions): Plugin<ScheduleSettings> {
  return definePlugin({
    name: 'schedule',
    schema: optionsSchema(),
    options,
    setup(ctx) {
      const { to, text, every, times, now, clock } = ctx.options
      checkTarget(to, ctx.peers)
      // Schedules share the plugin's name, and so its store: each target has its own count
      // (an edit of the text keeps it).
      const key = `seq ${to}`
      const tick = () => {
        const seq = ((ctx.store.get(key) as number | undefined) ?? 0) + 1
        if (times !== undefined && seq > times) return clearInterval(timer)
        ctx.store.set(key, seq)
        ctx.send(fillPlaceholders(text, seq, clock?.() ?? new Date()), to)
      }
      const timer = ctx.setInterval(tick, every)
      if (now) tick()
    },
  })
}
