import { createSecretKey, type KeyObject } from 'node:crypto'
import * as v from 'valibot'
import { definePlugin, drop, type Message, type Plugin } from '../core/index.ts'
import type { Agree } from './_options.ts'
import { ReplayWindow } from './_replay-window.ts'
import { seal, unseal } from './_signature.ts'

const Secret = v.pipe(
  v.string('a secret (string)'),
  v.minLength(16, 'a secret of 16 characters or more (e.g. `openssl rand -base64 32`)'),
)
const Key = v.union(
  [
    Secret,
    v.object({
      secret: Secret,
      name: v.optional(v.pipe(v.string('a name'), v.minLength(1, 'a name of 1 character or more'))),
    }),
  ],
  'a secret, or { secret, name }',
)
const KeyId = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7e]{1,64}$/, 'a key id of 1-64 printable ASCII characters, no spaces'),
)

/** The options of `signed()`. */
export interface SignedOptions {
  /**
   * The room's keys, by key id: a secret (16 characters or more), or `{ secret, name }`. The
   * sender of a datagram is shown by its key's name (the id unless `name` says otherwise), so
   * one person can have keys `alice-1` and `alice-2` named `alice` while keys rotate.
   */
  keys: Record<string, string | { secret: string; name?: string }>
  /** The id of the key this side signs with; each sender (relay and members alike) has its own. */
  as: string
}

const Options = v.pipe(
  v.object({
    keys: v.pipe(
      v.record(KeyId, Key),
      v.check((keys) => Object.keys(keys).length > 0, 'at least one key'),
    ),
    as: KeyId,
  }),
  v.forward(
    v.check((o) => Object.hasOwn(o.keys, o.as), 'the id of one of `keys`'),
    ['as'],
  ),
)

type _Checked = [
  Agree<v.InferInput<typeof Options>, SignedOptions>,
  Agree<v.InferOutput<typeof Options>, SignedOptions>,
]

interface Keys {
  byId: Map<string, { secret: KeyObject; name: string }>
  own: { id: string; secret: KeyObject }
}

/** What survives a reload: the next sequence number, each key's window, who signed what. */
interface State {
  seq: number
  windows: Map<string, ReplayWindow>
  /** The name of each payload's signer, from `unwrap` to `inbound` (a message's bytes are the payload). */
  signers: WeakMap<Uint8Array, string>
}

/**
 * A signed room: every datagram out is signed with HMAC-SHA256 under this side's key (with its key
 * id and a sequence number), and every datagram in must be signed by one of the room's keys, new
 * (not replayed: a sliding window per key, moved only by datagrams whose signature checked), or it
 * is dropped before any other plugin sees it. A message's sender is named by its key (`meta.peer`),
 * which the relay shows instead of HOST:PORT. Not encryption: anyone on the path can read the text.
 */
export function signed(options: SignedOptions): Plugin<SignedOptions> {
  let keys: Keys | undefined
  // Sequence numbers start at the clock (ms x 1024) so that a restarted sender goes on above what it sent before.
  let state: State = { seq: Date.now() * 1024, windows: new Map(), signers: new WeakMap() }
  return definePlugin({
    name: 'signed',
    enforce: 'pre',
    // A signature that cannot be checked is no signature: fail closed.
    onError: 'drop',
    schema: Options,
    options,
    setup(ctx) {
      // A key object made once: Node's HMAC then skips importing the secret for every datagram.
      const secret = (text: string) => createSecretKey(new TextEncoder().encode(text))
      const byId = new Map(
        Object.entries(ctx.options.keys).map(([id, key]) =>
          typeof key === 'string'
            ? [id, { secret: secret(key), name: id }]
            : [id, { secret: secret(key.secret), name: key.name ?? id }],
        ),
      )
      keys = { byId, own: { id: ctx.options.as, secret: byId.get(ctx.options.as)!.secret } }
      const kept = ctx.store.get('state') as State | undefined
      if (kept) state = kept
      else ctx.store.set('state', state)
    },
    unwrap(bytes) {
      const parts = unseal(bytes)
      if (!parts) return drop('signed: not signed')
      const key = keys!.byId.get(parts.id)
      if (!key) return drop('signed: signed with a key this room does not have')
      if (!Number.isSafeInteger(parts.seq)) return drop('signed: a sequence number out of range')
      let window = state.windows.get(parts.id)
      // The window is looked at before the MAC (cheap), and moved only after it checked.
      if (window && !window.check(parts.seq))
        return drop(`signed: a replay, or too old (key ${parts.id}, seq ${parts.seq})`)
      if (!parts.verify(key.secret)) return drop('signed: the signature does not match')
      if (!window) state.windows.set(parts.id, (window = new ReplayWindow()))
      window.update(parts.seq)
      state.signers.set(parts.payload, key.name)
      return parts.payload
    },
    inbound(message: Message) {
      const name = state.signers.get(message.bytes)
      // Only what `unwrap` checked can reach here: anything else is dropped, to fail closed.
      if (name === undefined) return drop('signed: not checked')
      message.meta.peer = name
    },
    wrap(bytes) {
      const { id, secret } = keys!.own
      return seal(bytes, id, secret, state.seq++)
    },
  })
}
