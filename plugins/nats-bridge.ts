import { hostname } from 'node:os'
import type { Msg } from '@nats-io/nats-core'
import type { NodeConnectionOptions } from '@nats-io/transport-node'
import * as v from 'valibot'
import { definePlugin, drop, type Message, type Plugin, type PluginContext } from '../core/index.ts'
import { getRuntimeKey } from '../core/transport.ts'
import { decodeLine, encodeLine, SequenceWindow, type BridgedLine } from './_bridge-wire.ts'
import { openLink, type Link } from './_nats-link.ts'
import type { Agree, WithDefaults } from './_options.ts'
import { askWho, whoAnswer } from './_nats-who.ts'
import { roomOf, type RelayRoom } from './relay.ts'

const SUBJECT = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/
const SERVERS = 'a server (HOST:PORT or nats://...) or a list of them'

/** The options of `natsBridge()`. */
export interface NatsBridgeOptions {
  /** The `relay()` plugin of this config whose room is bridged: `const room = relay()`, then `natsBridge({ relay: room })`. */
  relay: object
  /** The NATS server(s): `HOST:PORT` or `nats://`/`tls://` URLs; more than one for a cluster. @default '127.0.0.1:4222' */
  servers?: string | string[]
  /**
   * The room's subject: every relay bridging the same subject shares the room; `/who` asks on
   * `SUBJECT.who`. @default 'udpchat.room.lobby'
   */
  subject?: string
  /** This relay's name as other relays show it (`{relay}`). @default 'HOSTNAME:PORT' of this relay */
  name?: string
  /**
   * How a line from another relay names its sender, as `{from}` of the relay's format: `{from}` and
   * `{relay}` are filled in. @default '{from}@{relay}'
   */
  label?: string
  /** The line with which a member asks who is in the room on every relay; `false` lets it through as a line. @default '/who' */
  who?: string | false
  /** How long `/who` waits for the other relays, in ms. @default 500 */
  whoWait?: number
  /** Seconds between attempts while the broker cannot be reached. @default 2 */
  retry?: number
  /**
   * Passed to the NATS client as they are: `user`/`pass`, `token`, `tls` ({ caFile, certFile,
   * keyFile }), `authenticator`, `pingInterval`...
   */
  nats?: Partial<NodeConnectionOptions>
}

/** `natsBridge()`'s options with their defaults (its `ctx.options`). */
export type NatsBridgeSettings = WithDefaults<
  NatsBridgeOptions,
  'servers' | 'subject' | 'label' | 'who' | 'whoWait' | 'retry' | 'nats'
>

const Options = v.object({
  relay: v.custom<object>(
    (x) => roomOf(x) !== undefined,
    'the relay() plugin of this config (`const room = relay()`, then `relay: room`)',
  ),
  servers: v.optional(
    v.union(
      [
        v.pipe(v.string(), v.minLength(1, SERVERS)),
        v.pipe(v.array(v.pipe(v.string(), v.minLength(1, SERVERS)), SERVERS), v.minLength(1, SERVERS)),
      ],
      SERVERS,
    ),
    '127.0.0.1:4222',
  ),
  subject: v.optional(
    v.pipe(
      v.string(),
      v.regex(SUBJECT, 'a NATS subject of tokens joined by dots (no wildcards), e.g. `udpchat.room.lobby`'),
    ),
    'udpchat.room.lobby',
  ),
  name: v.optional(
    v.pipe(
      v.string('a name'),
      v.minLength(1, 'a name of 1 character or more'),
      v.maxLength(64, 'a name of at most 64 characters'),
    ),
  ),
  label: v.optional(v.string('a template string such as `{from}@{relay}`'), '{from}@{relay}'),
  who: v.optional(
    v.union([v.pipe(v.string(), v.minLength(1, 'a string or false')), v.literal(false)], 'a string or false'),
    '/who',
  ),
  whoWait: v.optional(
    v.pipe(
      v.number('a number of milliseconds'),
      v.minValue(1, 'a number of milliseconds from 1 to 10000'),
      v.maxValue(10_000, 'a number of milliseconds from 1 to 10000'),
    ),
    500,
  ),
  retry: v.optional(v.pipe(v.number('a number of seconds'), v.minValue(0.01, 'a number of seconds above 0')), 2),
  nats: v.optional(
    v.custom<Partial<NodeConnectionOptions>>(
      (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
      'an object of NATS connection options',
    ),
    {},
  ),
})

type _Checked = [
  Agree<v.InferInput<typeof Options>, NatsBridgeOptions>,
  Agree<v.InferOutput<typeof Options>, NatsBridgeSettings>,
]
type Resolved = NatsBridgeSettings

/** The counts a bridge reports (`--json` status events): what crossed, what could not. */
export interface BridgeCounts {
  /** Lines said here and published. */
  forwarded: number
  /** Lines said here while the broker was unreachable: local members got them, the other relays did not. */
  unforwarded: number
  /** Lines from other relays broadcast to the members here. */
  delivered: number
  /** Lines that came twice (a reconnect, a bridge configured twice) and were dropped. */
  duplicates: number
  /** Lines of other relays known lost on the way (gaps in their sequence numbers). */
  missed: number
  /** Payloads on the subject that were not lines of a bridge. */
  malformed: number
}

/** The machine's name; not asked of Deno, which would prompt for `--allow-sys=hostname` on a terminal. */
function hostName(): string {
  if (getRuntimeKey() === 'deno') return 'relay'
  try {
    return hostname()
  } catch {
    return 'relay'
  }
}

/**
 * What the bridges of one chat share, in the plugin's store: its identity as an origin and the ids
 * already seen. A bridge configured twice shares it (same name, same store), and so do the old and
 * the new bridge across a reload, so neither delivers a line twice.
 */
interface Shared {
  origin: string
  seq: number
  ids: WeakMap<Message, number>
  window: SequenceWindow
}

function sharedOf(store: Map<string, unknown>): Shared {
  let s = store.get('shared') as Shared | undefined
  if (!s)
    store.set('shared', (s = { origin: crypto.randomUUID(), seq: 0, ids: new WeakMap(), window: new SequenceWindow() }))
  return s
}

/**
 * Joins a relay's room to the same room on other relays through a NATS subject: each line said
 * here is published once, each line from another relay is broadcast to the members here. The
 * members stay each relay's own; `/who` counts them across relays. With the broker down the
 * relay serves its members and counts what it could not forward.
 */
export function natsBridge(options: NatsBridgeOptions): Plugin<NatsBridgeSettings> {
  let link: Link | undefined
  let unlisten = () => {}
  let room: RelayRoom
  let name = ''
  let downSince = 0
  // One question to the other relays at a time: members who ask meanwhile share its answer.
  let asking: Promise<string> | undefined
  const counts: BridgeCounts = { forwarded: 0, unforwarded: 0, delivered: 0, duplicates: 0, missed: 0, malformed: 0 }

  function report(ctx: PluginContext<Resolved>, state: string): void {
    ctx.report({ state, subject: ctx.options.subject, relay: name, ...counts })
  }

  function forward(ctx: PluginContext<Resolved>, message: Message, from: string): void {
    const s = sharedOf(ctx.store)
    // A second bridge of this relay publishes the line under the same id, so it is taken once.
    let seq = s.ids.get(message)
    if (seq === undefined) s.ids.set(message, (seq = ++s.seq))
    const { host, port } = message.from
    const data = encodeLine({ origin: s.origin, seq, relay: name, from, host, port, text: message.text })
    if (link?.publish(ctx.options.subject, data)) counts.forwarded++
    else counts.unforwarded++
  }

  function receive(ctx: PluginContext<Resolved>, msg: Msg): void {
    const line = decodeLine(msg.data)
    if (!line) return void counts.malformed++
    const s = sharedOf(ctx.store)
    if (line.origin === s.origin) return
    const { fresh, missed } = s.window.accept(line.origin, line.seq)
    counts.missed += missed
    if (!fresh) return void counts.duplicates++
    deliver(ctx, line)
  }

  function deliver(ctx: PluginContext<Resolved>, line: BridgedLine): void {
    const from = ctx.options.label.replace(/\{(from|relay)\}/g, (_, key: string) =>
      key === 'from' ? line.from : line.relay,
    )
    const family = line.host.includes(':') ? 'IPv6' : 'IPv4'
    const message: Message = {
      text: line.text,
      from: { host: line.host, port: line.port, family },
      at: Date.now(),
      bytes: new Uint8Array(0),
      encoding: 'utf-8',
      meta: { relay: line.relay, bridged: true },
    }
    counts.delivered++
    ctx.broadcast(room.format(message, from), room.members())
  }

  return definePlugin({
    name: 'natsBridge',
    // Before the relay, so that `/who` is answered instead of broadcast.
    enforce: 'pre',
    schema: Options,
    options,
    setup(ctx) {
      const o = ctx.options
      room = roomOf(o.relay)!
      name = o.name ?? `${hostName()}:${ctx.local.port}`
      const servers = typeof o.servers === 'string' ? [o.servers] : o.servers
      link = openLink(
        { servers, retryMs: o.retry * 1000, options: o.nats },
        {
          up(server, first) {
            if (first) ctx.logger.info(`bridged ${o.subject} through ${server} as ${name}`)
            else {
              const n = counts.unforwarded
              const lost = n ? `; ${n} line${n === 1 ? '' : 's'} said here so far could not be forwarded` : ''
              ctx.logger.info(`bridge back on ${server} after ${Math.round((Date.now() - downSince) / 1000)} s${lost}`)
            }
            report(ctx, 'up')
          },
          down(reason, first) {
            downSince = Date.now()
            const then = first
              ? `; serving the members here, retrying every ${o.retry} s`
              : '; lines said here stay here until it is back'
            ctx.logger.warn(`bridge down: ${reason}${then}`)
            report(ctx, 'down')
          },
        },
      )
      link.subscribe(o.subject, (msg) => receive(ctx, msg))
      link.subscribe(`${o.subject}.who`, (msg) => void msg.respond(whoAnswer(name, room, ctx.peers)))
      unlisten = room.listen((message, from) => forward(ctx, message, from))
    },
    inbound(message, ctx) {
      const { who } = ctx.options
      // A cheap look first: said() checks a proven member's cookie (HMACs) on every datagram.
      if (who === false || !message.text.trimEnd().endsWith(who) || room.said(message)?.trim() !== who) return
      asking ??= askWho(link!, ctx.options.subject, ctx.options.whoWait, name, room, ctx.peers).finally(() => {
        asking = undefined
      })
      void asking.then((text) => ctx.signal.aborted || ctx.reply(message, text))
      return drop('natsBridge: who')
    },
    async dispose(ctx) {
      unlisten()
      await link?.close()
      report(ctx, 'closed')
    },
  })
}
