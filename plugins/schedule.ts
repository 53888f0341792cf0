import * as v from 'valibot'
import { definePlugin } from '../core/index.ts'

const Options = v.object({
  /** Where each datagram goes: a contact name or HOST:PORT. */
  to: v.pipe(v.string('a contact name or HOST:PORT'), v.minLength(1, 'a contact name or HOST:PORT')),
  /** The text; `{seq}` becomes 1, 2, ... and `{time}` the local time (`HH:MM:SS`). */
  text: v.string('the text to send (string)'),
  /** Milliseconds between sends (at least 10). */
  every: v.pipe(
    v.number('a number of milliseconds'),
    v.integer('a whole number of milliseconds'),
    v.minValue(10, 'at least 10 ms'),
  ),
  /** Stop after this many sends; forever when left out. */
  times: v.optional(
    v.pipe(v.number('a number of sends'), v.integer('a whole number of sends'), v.minValue(1, 'at least 1 send')),
  ),
  /** Send the first one at once, rather than after one interval. @default false */
  now: v.optional(v.boolean('true or false'), false),
  /** Where the time comes from; for tests. @default () => new Date() */
  clock: v.optional(v.custom<() => Date>((x) => typeof x === 'function', 'a function returning a Date')),
})

export type ScheduleOptions = v.InferInput<typeof Options>

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
export function schedule(options: ScheduleOptions) {
  return definePlugin({
    name: 'schedule',
    schema: Options,
    options,
    setup(ctx) {
      const { to, text, every, times, now, clock } = ctx.options
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
