import * as v from 'valibot'
import { definePlugin, drop, formatAddress, type Address, type Message, type PluginContext } from '../core/index.ts'

/** Makes the broadcast line from a message and its sender's label (contact name or HOST:PORT). */
export type RelayFormat = (message: Message, from: string) => string

const Options = v.optional(
  v.object({
    /** Seconds of silence after which a member is dropped. @default 60 */
    timeout: v.optional(v.pipe(v.number('a number of seconds'), v.minValue(0.01, 'a number of seconds above 0')), 60),
    /** The broadcast line: `{from}`, `{text}`, `{host}`, `{port}` are filled in; or a function. @default '{from}: {text}' */
    format: v.optional(v.union([v.string(), v.custom<RelayFormat>((x) => typeof x === 'function')], 'a template string such as `{from}: {text}`, or a function'), '{from}: {text}'),
    /** At most this many members; a new sender beyond it gets `full` and is not let in. @default 10000 */
    maxMembers: v.optional(v.pipe(v.number(), v.integer('a whole number'), v.minValue(1, 'a whole number of 1 or more')), 10_000),
    /** The keep-alive datagram (surrounding whitespace ignored): keeps its sender a member, never broadcast. @default '^hb^' */
    heartbeat: v.optional(v.string('a string'), '^hb^'),
    /** The datagram (surrounding whitespace ignored) with which a member leaves. @default 'quit' */
    quit: v.optional(v.string('a string'), 'quit'),
    /** Sent to every live member when the relay stops. @default 'Bye!' */
    bye: v.optional(v.string('a string'), 'Bye!'),
    /** Sent to a new sender when the room is full. @default 'Sorry, the room is full; try again later.' */
    full: v.optional(v.string('a string'), 'Sorry, the room is full; try again later.'),
  }),
  {},
)

export type RelayOptions = v.InferInput<typeof Options>
type Resolved = v.InferOutput<typeof Options>

/**
 * What a bridge sees of a relay (`roomOf(relay())`): its live members, its line format, and each
 * line said in it. Membership stays the relay's own; the bridge only reads it.
 */
export interface RelayRoom {
  /** The live members, as addresses. */
  members(): Iterable<Address>
  /** How many live members there are. */
  size(): number
  /** Whether this address is a live member. */
  has(address: Pick<Address, 'host' | 'port'>): boolean
  /** The broadcast line for `message` said by `from`, in this relay's `format`. */
  format(message: Message, from: string): string
  /** Hears each line a member says here, after the relay broadcast it; returns how to stop hearing. */
  listen(hear: (message: Message, from: string) => void): () => void
}

const rooms = new WeakMap<object, RelayRoom>()

/** The room of a `relay()` plugin, for a bridge; `undefined` for anything else. */
export function roomOf(plugin: unknown): RelayRoom | undefined {
  return typeof plugin === 'object' && plugin !== null ? rooms.get(plugin) : undefined
}

/** A member is its address plus when it was last heard from: one small object per member. */
interface Member extends Address {
  seen: number
}

const TEMPLATE = /\{(from|text|host|port)\}/g
const FULL_WARNING_MS = 10_000
/** Past this many expiries in one sweep, one summary line instead of one line each. */
const EXPIRY_LINES = 5

/**
 * The group-chat server: a member joins by sending anything, leaves with `quit`, and is dropped
 * after `timeout` seconds of silence; every other datagram is broadcast to every live member,
 * the sender included. On shutdown each member gets `Bye!`.
 */
export function relay(options?: RelayOptions) {
  // Ordered by last activity (a member is re-inserted whenever heard from), so the oldest come
  // first and expiry stops at the first live member instead of scanning the table.
  let members = new Map<string, Member>()
  let refused = 0
  let warnedAt = -Infinity
  let format: Resolved['format'] = '{from}: {text}'
  const listeners = new Set<(message: Message, from: string) => void>()

  function expire(ctx: PluginContext<Resolved>, now: number): void {
    const limit = now - ctx.options.timeout * 1000
    let count = 0
    for (const [key, member] of members) {
      if (member.seen > limit) break
      members.delete(key)
      if (++count <= EXPIRY_LINES) ctx.logger.info(`${key} expired after ${ctx.options.timeout} s of silence (${plural(members.size)})`)
    }
    if (count > EXPIRY_LINES) ctx.logger.info(`... and ${count - EXPIRY_LINES} more expired (${plural(members.size)})`)
  }

  function refuse(ctx: PluginContext<Resolved>, message: Message, key: string): void {
    ctx.reply(message, ctx.options.full)
    refused++
    if (message.at - warnedAt < FULL_WARNING_MS) return
    const others = refused > 1 ? ` (and ${refused - 1} more since the last warning)` : ''
    ctx.logger.warn(`Refused ${key}${others}: the room is full (maxMembers: ${ctx.options.maxMembers})`)
    warnedAt = message.at
    refused = 0
  }

  const plugin = definePlugin({
    name: 'relay',
    schema: Options,
    options,
    setup(ctx) {
      // Kept in the plugin's store so that a reload of the relay can keep its members.
      const kept = ctx.store.get('members')
      if (kept instanceof Map) members = kept as Map<string, Member>
      else ctx.store.set('members', (members = new Map()))
      format = ctx.options.format
      const every = Math.min(5000, Math.max(100, (ctx.options.timeout * 1000) / 2))
      ctx.setInterval(() => expire(ctx, Date.now()), every)
    },
    inbound(message, ctx) {
      const { options } = ctx
      expire(ctx, message.at)
      const key = formatAddress(message.from)
      const command = message.text.trim()
      let member = members.get(key)
      if (command === options.quit) {
        if (member && members.delete(key)) ctx.logger.info(`${key} left (${plural(members.size)})`)
        return drop('relay: quit')
      }
      if (member) {
        members.delete(key)
        member.seen = message.at
        members.set(key, member)
      } else {
        if (members.size >= options.maxMembers) {
          refuse(ctx, message, key)
          return drop('relay: the room is full')
        }
        const { host, port, family } = message.from
        member = { host, port, family, seen: message.at }
        members.set(key, member)
        ctx.logger.info(`${key} joined (${plural(members.size)})`)
      }
      if (command === options.heartbeat) return drop('relay: heartbeat')
      const from = (message.meta.peer as string | undefined) ?? key
      const line = typeof options.format === 'function' ? options.format(message, from) : fill(options.format, message, from)
      ctx.broadcast(line, members.values())
      for (const hear of listeners) hear(message, from)
    },
    dispose(ctx) {
      // A reload hands the members over to the new instance, through the store.
      if (ctx.reloading) return
      expire(ctx, Date.now())
      ctx.broadcast(ctx.options.bye, members.values())
      if (members.size) ctx.logger.info(`said ${ctx.options.bye} to ${plural(members.size)}`)
      members.clear()
    },
  })
  rooms.set(plugin, {
    members: () => members.values(),
    size: () => members.size,
    has: (address) => members.has(formatAddress(address)),
    format: (message, from) => (typeof format === 'function' ? format(message, from) : fill(format, message, from)),
    listen(hear) {
      listeners.add(hear)
      return () => void listeners.delete(hear)
    },
  })
  return plugin
}

const plural = (n: number) => `${n} member${n === 1 ? '' : 's'}`

function fill(template: string, message: Message, from: string): string {
  return template.replace(TEMPLATE, (_, field: string) => {
    switch (field) {
      case 'from': return from
      case 'text': return message.text
      case 'host': return message.from.host
      default: return String(message.from.port)
    }
  })
}
