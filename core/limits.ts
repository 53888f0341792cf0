import * as v from 'valibot'
import type { Agree } from './_agree.ts'

/** A token bucket: `rate` tokens back per second, at most `burst` spent at once. */
export interface BucketLimit {
  /** Tokens back per second. */
  rate: number
  /**
   * The most spent at once after a quiet while. @default twice `rate` when a limit is given
   * without it; the built-in defaults are `burst: 200` for `perSource`, `burst: 50` for `answers`
   */
  burst?: number
  /**
   * The share of a token that a refused datagram costs too (0 to 1), down to `-burst`: with 0.1, a
   * source sending more than ten times its rate gets nothing through until it slows down.
   * @default 0.1 for `perSource`, 0 for `answers`
   */
  refused?: number
}

/**
 * The limits that keep a chat safe on a hostile network (see the README's Security section).
 * `perSource`, `answers` and `amplification` can each be set to `false` to turn it off;
 * `allowance` is always a number.
 */
export interface LimitsInput {
  /**
   * Datagrams per second from one source (an IPv4 address or an IPv6 /64, whatever its port),
   * checked before anything is decoded; past it, datagrams are dropped and counted. A source that
   * floods (more than ten times the rate) gets nothing through until it slows down.
   * @default { rate: 100, burst: 200, refused: 0.1 }
   */
  perSource?: false | BucketLimit
  /**
   * Automatic answers (a plugin's `ctx.reply`) per second to one source address: two bots
   * answering each other run out of it and stop. @default { rate: 100, burst: 50 }
   */
  answers?: false | BucketLimit
  /**
   * Bytes sent to an address that has not proved it receives them, per byte received from it
   * (QUIC's rule, RFC 9000 section 8). @default 3
   */
  amplification?: false | number
  /** Bytes an unproven address may get beyond that, given back at this many bytes a second. @default 256 */
  allowance?: number
  /**
   * Peers that get a queue of their own while others flood (Node on Linux, a `host` that is one
   * address): a source that keeps to its rate then has its datagrams queued apart from the
   * flood's, which would otherwise fill the socket's one queue and make the system drop them with
   * the rest. It takes SO_REUSEADDR on the chat's socket, which lets any program of this machine
   * that sets it too take the port's datagrams: off unless asked (README, Security).
   * `false` or 0: none. @default false
   */
  lanes?: false | number
}

/** The limits with their defaults, as the chat uses them. */
export type Limits = Required<LimitsInput>

const SHARE = 'a share from 0 to 1'
const LANES = 'a whole number of peers, 0 or more'

const positive = (what: string) => v.pipe(v.number(what), v.minValue(Number.MIN_VALUE, what))

const Bucket = (rate: number, burst: number) =>
  v.optional(
    v.union(
      [
        v.literal(false),
        v.object({
          rate: positive('a rate per second above 0'),
          burst: v.optional(positive('a burst above 0')),
          refused: v.optional(v.pipe(v.number(SHARE), v.minValue(0, SHARE), v.maxValue(1, SHARE))),
        }),
      ],
      '`false` or `{ rate, burst?, refused? }`',
    ),
    { rate, burst },
  )

/** The schema of `LimitsInput`. */
export const LimitsSchema = v.optional(
  v.object({
    perSource: Bucket(100, 200),
    answers: Bucket(100, 50),
    amplification: v.optional(
      v.union([v.literal(false), positive('a factor above 0')], '`false` or a factor such as 3'),
      3,
    ),
    allowance: v.optional(v.pipe(v.number('a number of bytes'), v.minValue(0, 'a number of bytes, 0 or more')), 256),
    lanes: v.optional(
      v.union(
        [v.literal(false), v.pipe(v.number(LANES), v.integer(LANES), v.minValue(0, LANES))],
        '`false` or a count of peers, 0 or more',
      ),
      false,
    ),
  }),
  {},
)

type _Checked = [
  Agree<v.InferInput<typeof LimitsSchema>, LimitsInput | undefined>,
  Agree<v.InferOutput<typeof LimitsSchema>, Limits>,
]
