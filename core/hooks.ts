/**
 * Every hook a plugin may have, in the order they run in a plugin's and a datagram's life, with
 * the strategy the engine calls it by:
 * - `sequential`: each plugin in turn, awaited (`setup` in config order, `dispose` in reverse);
 * - `bytes`: each plugin in turn may replace the datagram's bytes, and `unwrap` may drop them
 *   (`wrap` in reverse plugin order, so the first plugin's wrapping is the outermost);
 * - `first`: each plugin in turn until one answers (`decode`, `encode`);
 * - `waterfall`: each plugin gets what the one before returned, and may drop it (`inbound`, `outbound`);
 * - `notify`: each plugin in turn is told, after the fact; nothing it returns changes anything (`sent`).
 */
export const HOOKS = {
  setup: 'sequential',
  unwrap: 'bytes',
  decode: 'first',
  inbound: 'waterfall',
  outbound: 'waterfall',
  encode: 'first',
  wrap: 'bytes',
  sent: 'notify',
  dispose: 'sequential',
} as const

/** Any hook of a plugin. */
export type AnyHookName = keyof typeof HOOKS
/** The hooks that see datagrams: the engine counts their failures and may switch them off. */
export type HookName = { [K in AnyHookName]: (typeof HOOKS)[K] extends 'sequential' ? never : K }[AnyHookName]
/** The names of `HOOKS`, in order. */
export const HOOK_NAMES = Object.keys(HOOKS) as AnyHookName[]
/** The hooks that see datagrams, in a datagram's order. */
export const MESSAGE_HOOKS = HOOK_NAMES.filter((hook) => HOOKS[hook] !== 'sequential') as HookName[]
/**
 * The hooks that shape a datagram on the wire (its bytes, its encoding) rather than act on the
 * message: the `bytes` and `first` ones (`unwrap`, `decode`, `encode`, `wrap`).
 */
export const WIRE_HOOKS = HOOK_NAMES.filter((hook) => HOOKS[hook] === 'bytes' || HOOKS[hook] === 'first')
/** Hooks run in reverse plugin order. */
export const REVERSED: ReadonlySet<AnyHookName> = new Set(['wrap', 'dispose'])
