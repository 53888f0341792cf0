import * as v from 'valibot'

const positive = (what: string) => v.pipe(v.number(what), v.minValue(Number.MIN_VALUE, what))

const Bucket = (rate: number, burst: number) =>
  v.optional(
    v.union(
      [
        v.literal(false),
        v.object({
          /** Tokens back per second. */
          rate: positive('a rate per second above 0'),
          /** The most spent at once after a quiet while. @default twice `rate` */
          burst: v.optional(positive('a burst above 0')),
        }),
      ],
      '`false` or `{ rate, burst? }`',
    ),
    { rate, burst },
  )

/**
 * The limits that keep a chat safe on a hostile network (see the README's Security section).
 * Each can be set to `false` to turn it off.
 */
export const LimitsSchema = v.optional(
  v.object({
    /**
     * Datagrams per second from one source (an IPv4 address or an IPv6 /64, whatever its port),
     * checked before anything is decoded; past it, datagrams are dropped and counted.
     * @default { rate: 100, burst: 200 }
     */
    perSource: Bucket(100, 200),
    /**
     * Automatic answers (a plugin's `ctx.reply`) per second to one source address: two bots
     * answering each other run out of it and stop. @default { rate: 100, burst: 50 }
     */
    answers: Bucket(100, 50),
    /**
     * Bytes sent to an address that has not proved it receives them, per byte received from it
     * (QUIC's rule, RFC 9000 section 8). @default 3
     */
    amplification: v.optional(
      v.union([v.literal(false), positive('a factor above 0')], '`false` or a factor such as 3'),
      3,
    ),
    /** Bytes an unproven address may get beyond that, given back at this many bytes a second. @default 256 */
    allowance: v.optional(v.pipe(v.number('a number of bytes'), v.minValue(0, 'a number of bytes, 0 or more')), 256),
  }),
  {},
)

export type LimitsInput = v.InferInput<typeof LimitsSchema>
export type Limits = v.InferOutput<typeof LimitsSchema>
