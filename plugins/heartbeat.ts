import * as v from 'valibot'
import { COOKIE, COOKIE_NOTICE } from './_cookie.ts'
import {
  checkTarget,
  definePlugin,
  drop,
  formatAddress,
  parseHostPort,
  type Address,
  type InboundResult,
  type Message,
  type Plugin,
  type PluginContext,
} from '../core/index.ts'
import type { Agree, WithDefaults } from './_options.ts'

/** What the heartbeat client tells about its relay. */
export type RelayStatus =
  | { state: 'silent'; relay: string; seconds: number }
  | { state: 'answering'; relay: string }
  | { state: 'bye'; relay: string }

const AddressSchema = v.object({
  host: v.string(),
  port: v.pipe(
    v.number('a port number'),
    v.integer('a port number from 0 to 65535'),
    v.minValue(0, 'a port number from 0 to 65535'),
    v.maxValue(65535, 'a port number from 0 to 65535'),
  ),
  family: v.picklist(['IPv4', 'IPv6']),
})

/** The options of `heartbeat()`. */
export interface HeartbeatOptions {
  /** The relay: a contact name, `HOST:PORT`, or an address. */
  to: string | Address
  /** Seconds between heartbeats. @default 10 */
  interval?: number
  /** The heartbeat datagram. @default '^hb^' */
  text?: string
  /** Sent to the relay when the plugin stops (not after a `Bye!`); `false` sends nothing. @default 'quit' */
  quit?: string | false
  /** What the relay says when it closes the room. @default 'Bye!' */
  bye?: string
  /** After this many intervals without a datagram from the relay, it is reported silent. @default 3 */
  silentAfter?: number
  /**
   * The relay is one of proven members (`relay({ members: 'proven' })`): a `Bye!` is believed only
   * with this member's cookie, even before the first cookie has come. Without it, a plain `Bye!`
   * is believed until the relay sends a cookie. @default false
   */
  proven?: boolean
  /** Hears when the relay goes silent, answers again, or says `Bye!`; by default they are logged. */
  onStatus?: (status: RelayStatus) => void
}

/** `heartbeat()`'s options with their defaults (its `ctx.options`). */
export type HeartbeatSettings = WithDefaults<
  HeartbeatOptions,
  'interval' | 'text' | 'quit' | 'bye' | 'silentAfter' | 'proven'
>

const TO = 'a contact name, HOST:PORT, or { host, port, family }'
const Options = v.object({
  to: v.union([v.pipe(v.string(), v.minLength(1, TO)), AddressSchema], TO),
  interval: v.optional(v.pipe(v.number('a number of seconds'), v.minValue(0.01, 'a number of seconds above 0')), 10),
  text: v.optional(v.string('a string'), '^hb^'),
  quit: v.optional(v.union([v.string(), v.literal(false)], 'a string or false'), 'quit'),
  bye: v.optional(v.string('a string'), 'Bye!'),
  silentAfter: v.optional(
    v.pipe(v.number(), v.integer('a whole number'), v.minValue(1, 'a whole number of 1 or more')),
    3,
  ),
  proven: v.optional(v.boolean('true or false'), false),
  onStatus: v.optional(v.custom<(status: RelayStatus) => void>((x) => typeof x === 'function', 'a function')),
})

type _Checked = [
  Agree<v.InferInput<typeof Options>, HeartbeatOptions>,
  Agree<v.InferOutput<typeof Options>, HeartbeatSettings>,
]
type Resolved = HeartbeatSettings

/**
 * The relay as an address when it can be known without a lookup (an address, a contact, an IP
 * literal), so that every send, the last `quit` included, leaves at once; else the text as given.
 */
function relayTarget(ctx: PluginContext<Resolved>): Address | string {
  const { to } = ctx.options
  if (typeof to !== 'string') return to
  const named = ctx.peers.get(to)
  if (named) return named
  const parsed = parseHostPort(to)
  if (!parsed) return to
  const host = parsed.host === 'localhost' ? '127.0.0.1' : parsed.host
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return { host, port: parsed.port, family: 'IPv4' }
  if (host.includes(':')) return { host, port: parsed.port, family: 'IPv6' }
  return to
}

/**
 * The group-chat client side: sends `^hb^` to the relay every `interval` seconds (the first at
 * once, which joins the room), `quit` when it stops, and reports when the relay has sent nothing
 * for `silentAfter` intervals, when it answers again, and when it says `Bye!`.
 *
 * With a `proven` relay (one that answers with a cookie), it echoes the cookie and puts it in
 * front of every datagram to the relay, its own and the chat's; from then on it believes a
 * `Bye!` only when the cookie comes with it, so nobody else can close the room for this member.
 * A cookie notice cannot be told from a forged one (it comes before anything is shared), so at
 * most one is taken per heartbeat, and the same cookie again is no news: notices forged at any
 * rate make it send no more than it does anyway, and replace the cookie at most once an interval.
 */
export function heartbeat(options: HeartbeatOptions): Plugin<HeartbeatSettings> {
  // Set in setup, where the relay's address and the reporter are known.
  let heard: (message: Message) => InboundResult = () => {}
  let target: Address | string = ''
  let isRelay: (address: Pick<Address, 'host' | 'port'>) => boolean = () => false
  // The relay's cookie, once it sent one: kept in the store, so a reload goes on using it.
  let state: { cookie?: string } = {}
  // The relay said Bye! and has sent nothing since: the room is closed, there is nobody to quit.
  let closed = false
  return definePlugin({
    name: 'heartbeat',
    schema: Options,
    options,
    setup(ctx) {
      const { interval, text, silentAfter, bye } = ctx.options
      if (typeof ctx.options.to === 'string') checkTarget(ctx.options.to, ctx.peers)
      const to = (target = relayTarget(ctx))
      // A host name is not looked up here: then any datagram from the relay's port counts.
      const relay = typeof to === 'string' ? { port: parseHostPort(to)?.port ?? -1 } : to
      isRelay = (from) => from.port === relay.port && (!('host' in relay) || from.host === relay.host)
      const label = typeof to === 'string' ? to : (ctx.peers.nameOf(to) ?? formatAddress(to))
      const report = ctx.options.onStatus ?? ((status: RelayStatus) => logStatus(ctx, status))
      const quietFor = Math.round(interval * silentAfter * 1000) / 1000
      const kept = ctx.store.get('state') as typeof state | undefined
      if (kept) state = kept
      else ctx.store.set('state', state)
      let quietTicks = 0
      let silent = false
      // A relay sends a notice in answer to what we send: one is taken per heartbeat at most.
      let noticeDue = true
      heard = (message) => {
        if (!isRelay(message.from)) return
        const said = message.text.trim()
        if (said.startsWith(COOKIE_NOTICE.trim())) {
          const cookie = said.slice(COOKIE_NOTICE.length - 1).trim()
          if (!COOKIE.test(cookie)) return drop('heartbeat: a cookie notice without a cookie')
          if (cookie === state.cookie) return drop('heartbeat: the cookie it has already')
          if (!noticeDue) return drop('heartbeat: a cookie notice already taken since the last heartbeat')
          noticeDue = false
          // Echoed at once (the outbound hook puts it in front): that is what makes us a member.
          state.cookie = cookie
          ctx.send(text, to)
          return drop("heartbeat: the relay's cookie")
        }
        const proof = state.cookie === undefined ? (ctx.options.proven ? undefined : '') : ` ${state.cookie}`
        if (said === bye && proof !== '') return drop(`heartbeat: a ${bye} without the relay's proof (forged?)`)
        quietTicks = 0
        if (proof !== undefined && said === bye + proof) {
          // The room is closed: its silence from now on is no news, its next datagram is.
          silent = closed = true
          report({ state: 'bye', relay: label })
          return proof ? { ...message, text: bye } : undefined
        }
        if (silent) {
          silent = closed = false
          report({ state: 'answering', relay: label })
        }
      }
      ctx.send(text, to)
      ctx.setInterval(() => {
        noticeDue = true
        ctx.send(text, to)
        if (++quietTicks === silentAfter && !silent) {
          silent = true
          report({ state: 'silent', relay: label, seconds: quietFor })
        }
      }, interval * 1000)
    },
    inbound(message) {
      return heard(message)
    },
    outbound(message) {
      if (state.cookie !== undefined && isRelay(message.to))
        return { ...message, text: `${state.cookie} ${message.text}` }
    },
    dispose(ctx) {
      // A reload replaces this instance with one that goes on heartbeating: nobody leaves. Nor
      // does a heartbeat whose setup failed (its target unknown): it never joined.
      if (ctx.options.quit !== false && !ctx.reloading && !closed && target !== '') ctx.send(ctx.options.quit, target)
    },
  })
}

function logStatus(ctx: PluginContext<Resolved>, status: RelayStatus): void {
  switch (status.state) {
    case 'silent':
      return ctx.logger.warn(
        `${status.relay} has sent nothing for ${status.seconds} s: the relay may have stopped (still sending heartbeats)`,
      )
    case 'answering':
      return ctx.logger.info(`${status.relay} is answering again`)
    case 'bye':
      return ctx.logger.info(`${status.relay} said ${ctx.options.bye}: the relay has closed the room`)
  }
}
