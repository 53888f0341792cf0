import * as v from 'valibot'
import {
  definePlugin,
  drop,
  formatAddress,
  SourceBuckets,
  sourceLabel,
  type Address,
  type Plugin,
  type PluginContext,
} from '../core/index.ts'
import type { Agree, WithDefaults } from './_options.ts'
import { GONE, HERE, isAnnouncement } from './_presence-words.ts'

const NICK = /^[^\x00-\x1f\x7f]{1,32}$/
// Lines about arrivals, renames and departures, for everyone together: what a forger can make it log.
const LOG_LINES = { rate: 5, burst: 20, slots: 16 }
const EVERYONE = { host: '' }

/** The options of `presence()`. */
export interface PresenceOptions {
  /** Our nickname, announced to `to`; without it, we only listen (a relay's members can still name themselves). */
  name?: string
  /** Where announcements go: a broadcast address, a multicast group or a contact. @default '255.255.255.255:7788' */
  to?: string
  /** Milliseconds between announcements. @default 5000 */
  every?: number
  /** Forget a member not heard from for this long, in ms. @default 2.5 times `every` */
  forgetAfter?: number
  /** The most members kept; past it, newcomers are not listed until someone is forgotten. @default 1024 */
  maxMembers?: number
  /**
   * The most members kept from one source address (an IPv4 address or an IPv6 /64, whatever the
   * port), so that one sender rotating its port cannot fill the table. @default 4
   */
  maxPerAddress?: number
}

/** `presence()`'s options with their defaults (its `ctx.options`). */
export type PresenceSettings = WithDefaults<PresenceOptions, 'to' | 'every' | 'maxMembers' | 'maxPerAddress'>

const Options = v.object({
  name: v.optional(v.pipe(v.string('a nickname (string)'), v.regex(NICK, 'a nickname of 1-32 printable characters'))),
  to: v.optional(
    v.pipe(v.string('HOST:PORT or a contact name'), v.minLength(1, 'HOST:PORT or a contact name')),
    '255.255.255.255:7788',
  ),
  every: v.optional(
    v.pipe(
      v.number('a number of milliseconds'),
      v.integer('a whole number of milliseconds'),
      v.minValue(50, 'at least 50 ms'),
    ),
    5000,
  ),
  forgetAfter: v.optional(
    v.pipe(
      v.number('a number of milliseconds'),
      v.integer('a whole number of milliseconds'),
      v.minValue(1, 'a whole number of milliseconds, 1 or more'),
    ),
  ),
  maxMembers: v.optional(
    v.pipe(v.number('a whole number'), v.integer('a whole number'), v.minValue(1, 'a whole number of 1 or more')),
    1024,
  ),
  maxPerAddress: v.optional(
    v.pipe(v.number('a whole number'), v.integer('a whole number'), v.minValue(1, 'a whole number of 1 or more')),
    4,
  ),
})

type _Checked = [
  Agree<v.InferInput<typeof Options>, PresenceOptions>,
  Agree<v.InferOutput<typeof Options>, PresenceSettings>,
]

/** One member around: its nickname, where it speaks from, when it was last heard (ms since the epoch). */
export interface PresenceMember {
  name: string
  address: Address
  seen: number
}

type Table = Map<string, PresenceMember>

/** The members a `presence()` plugin knows of now (for `/who`), by nickname; empty for anything else. */
export function membersOf(plugin: unknown): PresenceMember[] {
  const members = (plugin as { members?: unknown } | undefined)?.members
  return typeof members === 'function' ? (members as () => PresenceMember[])() : []
}

/**
 * Who is around on the LAN: announces our nickname to a broadcast address or a multicast group
 * every `every` ms, keeps a table of the members heard (`/who` lists it), and shows their
 * messages by nickname (`meta.peer`, which a relay's `{from}` uses too, so members of a relay
 * name themselves by sending `^here^ NICK`). A member not heard for `forgetAfter` is forgotten;
 * one that says `^gone^` at once. Announcements are not shown as messages.
 */
export function presence(options: PresenceOptions = {}): Plugin<PresenceSettings> {
  // Set up from the plugin's store, which a reload keeps: the table outlives this instance.
  let members: Table = new Map()
  // Members per source address (`sourceLabel`), counted again from the table at each setup.
  let perSource = new Map<string, number>()
  const lines = new SourceBuckets(LOG_LINES)
  let unlogged = 0
  const log = (ctx: PluginContext<PresenceSettings>, line: string) => {
    if (lines.take(EVERYONE)) ctx.logger.info(line)
    else unlogged++
  }
  const forget = (key: string, member: PresenceMember) => {
    members.delete(key)
    const source = sourceLabel(member.address)
    const left = (perSource.get(source) ?? 1) - 1
    if (left > 0) perSource.set(source, left)
    else perSource.delete(source)
  }
  const plugin = definePlugin({
    name: 'presence',
    enforce: 'pre',
    schema: Options,
    options,
    setup(ctx) {
      const { name, to, every } = ctx.options
      const forgetAfter = ctx.options.forgetAfter ?? Math.round(every * 2.5)
      const kept = ctx.store.get('members') as Table | undefined
      if (kept) members = kept
      else ctx.store.set('members', members)
      perSource = new Map()
      for (const member of members.values()) {
        const source = sourceLabel(member.address)
        perSource.set(source, (perSource.get(source) ?? 0) + 1)
      }
      const prune = () => {
        const now = Date.now()
        for (const [key, member] of members) {
          if (now - member.seen <= forgetAfter) continue
          forget(key, member)
          log(ctx, `${member.name} left (not heard for ${Math.round((now - member.seen) / 1000)} s)`)
        }
        if (unlogged === 0) return
        ctx.logger.info(
          `... and ${unlogged} more arrivals, renames and departures not logged (over ${LOG_LINES.rate} a second)`,
        )
        unlogged = 0
      }
      ctx.setInterval(() => {
        prune()
        if (name !== undefined) ctx.send(HERE + name, to)
      }, every)
      if (name !== undefined) ctx.send(HERE + name, to)
    },
    dispose(ctx) {
      if (ctx.options.name !== undefined && !ctx.reloading) ctx.send(GONE + ctx.options.name, ctx.options.to)
    },
    inbound(message, ctx) {
      const key = formatAddress(message.from)
      const text = message.text.replace(/\r?\n$/, '')
      if (isAnnouncement(text)) {
        const nick = text.slice(HERE.length)
        if (!NICK.test(nick)) return drop('presence: a nickname that is not 1-32 printable characters')
        const known = members.get(key)
        if (text.startsWith(GONE)) {
          if (known) {
            forget(key, known)
            log(ctx, `${known.name} left (said goodbye)`)
          }
          return drop('presence: goodbye')
        }
        if (known) {
          known.seen = Date.now()
          if (known.name !== nick) log(ctx, `${known.name} is now ${(known.name = nick)}`)
        } else if (members.size < ctx.options.maxMembers) {
          const source = sourceLabel(message.from)
          const fromSource = perSource.get(source) ?? 0
          if (fromSource >= ctx.options.maxPerAddress)
            return drop(`presence: ${source} has ${fromSource} members already (maxPerAddress)`)
          members.set(key, { name: nick, address: message.from, seen: Date.now() })
          perSource.set(source, fromSource + 1)
          log(ctx, `${nick} is here (${key})`)
        }
        return drop('presence: announcement')
      }
      const member = members.get(key)
      if (member && message.meta.peer === undefined) message.meta.peer = member.name
    },
  })
  // A config's copy of the plugin keeps this function: `/who` asks it (`membersOf`).
  return Object.assign(plugin, { members: () => [...members.values()].sort((a, b) => a.name.localeCompare(b.name)) })
}
