import {
  definePlugin,
  describeError,
  drop,
  encodeUtf8,
  formatAddress,
  isDrop,
  SourceBuckets,
  sourceLabel,
  type Address,
  type Drop,
  type Message,
  type Plugin,
  type PluginContext,
} from '../core/index.ts'
import { COOKIE, COOKIE_NOTICE, createCookies, sameText, type Cookies } from './_cookie.ts'
import { FIELDS, Options, type RelayOptions, type RelaySettings, type Resolved } from './_relay-options.ts'
import { kindOf, markKind } from './_kind.ts'
import { isAnnouncement } from './_presence-words.ts'

export type { RelayFormat, RelayOptions, RelaySettings } from './_relay-options.ts'

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
  /**
   * What a live member said in `message`: its text, without its cookie in a `proven` room;
   * `undefined` when the message is not a live member's (or, `proven`, carries no good cookie).
   */
  said(message: Message): string | undefined
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
  /** The cookie it proved its address with (`proven` rooms): its datagrams carry it, and so does its `Bye!`. */
  cookie?: string
}

/** What a relay keeps across a reload: its members, their count per source address, its cookie secret. */
interface Room {
  members: Map<string, Member>
  perSource: Map<string, number>
  cookies: Cookies
}

/** What a `proven` room hands on from a datagram: the text without its cookie. */
interface Proven {
  text: string
  cookie: string
}

const TEMPLATE = new RegExp(`\\{(${FIELDS.join('|')})\\}`, 'g')
const FULL_WARNING_MS = 10_000
/** Past this many expiries in one sweep, one summary line instead of one line each. */
const EXPIRY_LINES = 5
/**
 * The relay's own notices (cookies, `full`) per source address, and to all sources together: on
 * top of the chat's answer budget, so that forged sources by the thousand get few.
 */
const NOTICES = { burst: 4, rate: 1 }
const ALL_NOTICES = { burst: 200, rate: 200 }
const ANYONE = { host: '*' }

/**
 * The group-chat server: a member joins by sending anything (or, in a `proven` room, by echoing a
 * cookie), leaves with `quit`, and is dropped after `timeout` seconds of silence; every other
 * datagram is broadcast to every live member, the sender included. On shutdown each member gets `Bye!`.
 */
export function relay(options?: RelayOptions): Plugin<RelaySettings> {
  let room: Room = { members: new Map(), perSource: new Map(), cookies: createCookies() }
  const notices = new SourceBuckets(NOTICES)
  // One bucket for everyone: every source is counted as the same one.
  const allNotices = new SourceBuckets({ ...ALL_NOTICES, slots: 16 })
  let refused = 0
  let warnedAt = -Infinity
  let format: Resolved['format'] = '{from}: {text}'
  let proven = false
  const listeners = new Set<(message: Message, from: string) => void>()

  function leave(ctx: PluginContext<Resolved>, key: string, member: Member): void {
    room.members.delete(key)
    const source = sourceLabel(member)
    const left = (room.perSource.get(source) ?? 1) - 1
    if (left > 0) room.perSource.set(source, left)
    else {
      room.perSource.delete(source)
      // The last member from this address has gone: what it proved lapses with it.
      if (member.cookie !== undefined) ctx.markProven(member, false)
    }
  }

  function expire(ctx: PluginContext<Resolved>, now: number): void {
    const limit = now - ctx.options.timeout * 1000
    let count = 0
    // Ordered by last activity (a member is re-inserted whenever heard from): stop at the first live one.
    for (const [key, member] of room.members) {
      if (member.seen > limit) break
      leave(ctx, key, member)
      if (++count <= EXPIRY_LINES)
        ctx.logger.info(`${key} expired after ${ctx.options.timeout} s of silence (${plural(room.members.size)})`)
    }
    if (count > EXPIRY_LINES)
      ctx.logger.info(`... and ${count - EXPIRY_LINES} more expired (${plural(room.members.size)})`)
  }

  /** Lets a new sender in, or refuses it when the room or its address has no more room. */
  function admit(
    ctx: PluginContext<Resolved>,
    message: Message,
    key: string,
    cookie: string | undefined,
  ): Member | Drop {
    const { maxMembers, maxPerAddress } = ctx.options
    if (room.members.size >= maxMembers)
      return refuse(ctx, message, key, `maxMembers: ${maxMembers}`, 'relay: the room is full')
    const source = sourceLabel(message.from)
    const fromSource = room.perSource.get(source) ?? 0
    if (fromSource >= maxPerAddress)
      return refuse(
        ctx,
        message,
        key,
        `maxPerAddress: ${maxPerAddress}`,
        `relay: ${source} has ${maxPerAddress} members already`,
      )
    const { host, port, family } = message.from
    const member: Member = { host, port, family, seen: message.at }
    if (cookie !== undefined) {
      member.cookie = cookie
      // It echoed a cookie sent to its address: the chat may send it more than it sent us.
      ctx.markProven(member)
    }
    room.members.set(key, member)
    room.perSource.set(source, fromSource + 1)
    ctx.logger.info(`${key} joined (${plural(room.members.size)})`)
    return member
  }

  function refuse(ctx: PluginContext<Resolved>, message: Message, key: string, limit: string, reason: string): Drop {
    // Never longer than what it answers: a forged source gains no bytes by being refused.
    if (encodeUtf8(ctx.options.full).length <= message.bytes.length) notice(ctx, message, ctx.options.full)
    refused++
    if (message.at - warnedAt >= FULL_WARNING_MS) {
      const others = refused > 1 ? ` (and ${refused - 1} more since the last warning)` : ''
      ctx.logger.warn(`Refused ${key}${others}: the room is full (${limit})`)
      warnedAt = message.at
      refused = 0
    }
    return drop(reason)
  }

  function notice(ctx: PluginContext<Resolved>, message: Message, text: string): boolean {
    if (!notices.take(message.from, message.at) || !allNotices.take(ANYONE, message.at)) return false
    ctx.reply(message, text)
    return true
  }

  /** The text after a good cookie (its member's, or a fresh one issued to this address), or nothing. */
  function check(message: Message, member: Member | undefined): Proven | undefined {
    const { text } = message
    const cookie = text.slice(0, 22)
    const rest = text.length === 22 ? '' : text.charAt(22) === ' ' ? text.slice(23) : undefined
    if (rest === undefined || !COOKIE.test(cookie)) return undefined
    if (member?.cookie !== undefined && sameText(cookie, member.cookie)) return { text: rest, cookie }
    if (room.cookies.check(cookie, message.from, message.at)) return { text: rest, cookie }
    return undefined
  }

  /**
   * In a `proven` room: the text after the sender's cookie, if the cookie is its member's or a
   * fresh one issued to this address. Anything else gets a cookie back (within the notice budget).
   */
  function prove(ctx: PluginContext<Resolved>, message: Message, member: Member | undefined): Proven | Drop {
    const proven = check(message, member)
    if (proven) return proven
    const sent = notice(ctx, message, COOKIE_NOTICE + room.cookies.issue(message.from, Date.now()))
    const what = member ? "a datagram without its member's cookie" : 'not a member yet'
    return drop(`relay: ${what}${sent ? '; sent it a cookie' : ''}`)
  }

  const plugin = definePlugin({
    name: 'relay',
    schema: Options,
    options,
    setup(ctx) {
      // Kept in the plugin's store so that a reload of the relay keeps its members and its cookies good.
      const kept = ctx.store.get('room') as Room | undefined
      if (kept) room = kept
      else ctx.store.set('room', room)
      format = ctx.options.format
      proven = ctx.options.members === 'proven'
      const every = Math.min(5000, Math.max(100, (ctx.options.timeout * 1000) / 2))
      ctx.setInterval(() => expire(ctx, Date.now()), every)
    },
    inbound(message, ctx) {
      const { options } = ctx
      expire(ctx, message.at)
      const key = formatAddress(message.from)
      let member = room.members.get(key)
      let text = message.text
      let cookie: string | undefined
      if (options.members === 'proven') {
        const proven = prove(ctx, message, member)
        if (isDrop(proven)) return proven
        ;({ text, cookie } = proven)
      }
      const command = text.trim()
      if (command === options.quit) {
        if (member) {
          leave(ctx, key, member)
          ctx.logger.info(`${key} left (${plural(room.members.size)})`)
        }
        return drop('relay: quit')
      }
      if (member) {
        room.members.delete(key)
        member.seen = message.at
        if (cookie !== undefined) member.cookie = cookie
        room.members.set(key, member)
      } else {
        const admitted = admit(ctx, message, key, cookie)
        if (isDrop(admitted)) return admitted
        member = admitted
      }
      if (command === options.heartbeat) return drop('relay: heartbeat')
      // `chat join --nick` announces itself with each heartbeat; with no presence() before the
      // relay to take it, the announcement keeps the member alive but is no line for the room.
      if (isAnnouncement(command)) return drop('relay: a presence announcement (no presence() here to take it)')
      const from = (message.meta.peer as string | undefined) ?? key
      const said = text === message.text ? message : { ...message, text }
      const line = typeof options.format === 'function' ? options.format(said, from) : fill(options.format, said, from)
      if (line.length > options.maxLine)
        return drop(`relay: the line is longer than maxLine (${line.length} > ${options.maxLine} characters)`)
      ctx.broadcast(line, room.members.values())
      for (const hear of listeners) {
        // Another plugin's code: its throw (or rejection) is not the relay's failure, nor a reason to skip the others.
        try {
          const heard: unknown = hear(said, from)
          if (heard instanceof Promise) heard.catch((error: unknown) => listenerFailed(ctx, error))
        } catch (error) {
          listenerFailed(ctx, error)
        }
      }
      // On without the cookie: what follows (a logger, `--json`) shows what the member said, and
      // the cookie, which proves its address to us, is not printed for anyone to replay.
      return said === message ? undefined : said
    },
    dispose(ctx) {
      // A reload hands the room over to the new instance, through the store.
      if (ctx.reloading) return
      expire(ctx, Date.now())
      const { members } = room
      if (ctx.options.members === 'proven')
        for (const member of members.values()) ctx.send(`${ctx.options.bye} ${member.cookie}`, member)
      else ctx.broadcast(ctx.options.bye, members.values())
      if (members.size) ctx.logger.info(`said ${ctx.options.bye} to ${plural(members.size)}`)
      members.clear()
      room.perSource.clear()
    },
  })
  rooms.set(plugin, {
    members: () => room.members.values(),
    size: () => room.members.size,
    has: (address) => room.members.has(formatAddress(address)),
    said(message) {
      const member = room.members.get(formatAddress(message.from))
      if (!member) return undefined
      return proven ? check(message, member)?.text : message.text
    },
    format: (message, from) => (typeof format === 'function' ? format(message, from) : fill(format, message, from)),
    listen(hear) {
      listeners.add(hear)
      return () => void listeners.delete(hear)
    },
  })
  return markKind(plugin, 'relay')
}

function listenerFailed(ctx: PluginContext, error: unknown): void {
  ctx.logger.error(`a listener of the room failed: ${describeError(error)}`)
}

/** True for a plugin made by `relay()`, whatever its name (a bridge may call itself `relay` too). */
export function isRelay(plugin: unknown): boolean {
  return kindOf(plugin) === 'relay'
}

const plural = (n: number) => `${n} member${n === 1 ? '' : 's'}`

function fill(template: string, message: Message, from: string): string {
  return template.replace(TEMPLATE, (_, field: string) => {
    switch (field) {
      case 'from':
        return from
      case 'text':
        return message.text
      case 'host':
        return message.from.host
      default:
        return String(message.from.port)
    }
  })
}
