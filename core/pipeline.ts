import type { ResolvedPlugin } from './config.ts'
import { ChatError } from './errors.ts'
import { drop, isDrop } from './types.ts'
import type { Address } from './address.ts'
import type { Decoded, Drop, HookName, Message, Outgoing, Plugin, PluginContext } from './types.ts'

/** One plugin as the pipeline runs it: the plugin and its context. */
export interface Slot {
  readonly plugin: Plugin
  readonly ctx: PluginContext
}

/** One plugin in one hook's list, with its failures in a row (the chat switches it off past a limit). */
export interface HookSlot extends Slot {
  /**
   * The plugin's hook of this list, looked up once: read per message as `plugin[hook]`, with
   * every plugin a differently shaped object, it was a megamorphic lookup on the hot path.
   */
  readonly run: (this: Plugin, ...args: never[]) => unknown
  failures: number
}

/** What the hook runner reports to: the chat that owns the pipeline. */
export interface HookHost {
  /** How long an async hook may take before it is given up. */
  readonly hookTimeout: number
  failed(slot: HookSlot, hook: HookName, error: unknown, subject: Message | Outgoing): void
  dropped(slot: Slot, reason: string, subject: Message | Outgoing): void
}

/** The plugins in effect, ordered, with each hook's slots picked out once. */
export interface Pipeline {
  readonly slots: readonly Slot[]
  readonly unwrappers: readonly HookSlot[]
  /** In reverse plugin order. */
  readonly wrappers: readonly HookSlot[]
  readonly decoders: readonly HookSlot[]
  readonly encoders: readonly HookSlot[]
  readonly inbound: readonly HookSlot[]
  readonly outbound: readonly HookSlot[]
}

/** What `/plugins` and `chat plugins` show of each plugin. */
export interface PluginInfo {
  name: string
  enforce?: 'pre' | 'post'
  /** The hooks it has, in the order they run in a message's life. */
  hooks: string[]
  /** Hooks switched off after failing too often in a row (until the next reload). */
  off: string[]
  options: unknown
}

const HOOKS = ['setup', 'unwrap', 'decode', 'inbound', 'outbound', 'encode', 'wrap', 'dispose'] as const

/** The plugins as they run (pass them through `orderPlugins` first); with a pipeline, which hooks are off. */
export function describePlugins(plugins: ReadonlyArray<{ plugin: Plugin; options: unknown; ctx?: PluginContext }>, pipeline?: Pipeline): PluginInfo[] {
  return plugins.map(({ plugin, options, ctx }) => {
    const hooks = HOOKS.filter((hook) => typeof plugin[hook] === 'function')
    const off = pipeline && ctx ? hooks.filter((hook) => hook in LIST && !pipeline[LIST[hook as HookName]].some((s) => s.ctx === ctx)) : []
    return { name: plugin.name, ...(plugin.enforce ? { enforce: plugin.enforce } : {}), hooks, off, options }
  })
}

/** Config order, with `enforce: 'pre'` plugins first and `'post'` last (stable). */
export function orderPlugins(plugins: readonly ResolvedPlugin[]): ResolvedPlugin[] {
  const rank = (p: ResolvedPlugin) => (p.plugin.enforce === 'pre' ? 0 : p.plugin.enforce === 'post' ? 2 : 1)
  return [...plugins].sort((a, b) => rank(a) - rank(b))
}

/** @param wrap replaces a plugin in the hook lists (tracing times each hook this way). */
export function createPipeline(slots: readonly Slot[], wrap?: (slot: Slot) => Plugin): Pipeline {
  const having = (hook: HookName) =>
    slots.filter((slot) => typeof slot.plugin[hook] === 'function').map((slot) => hookSlot(wrap ? wrap(slot) : slot.plugin, slot.ctx, hook))
  return {
    slots,
    unwrappers: having('unwrap'),
    wrappers: having('wrap').reverse(),
    decoders: having('decode'),
    encoders: having('encode'),
    inbound: having('inbound'),
    outbound: having('outbound'),
  }
}

/**
 * The pipeline without one plugin's hook: what the chat runs once that hook has failed too
 * often in a row. A plugin that fails closed keeps dropping instead, so a broken filter never
 * lets everything through.
 */
export function switchOff(pipeline: Pipeline, slot: HookSlot, hook: HookName, reason: string): Pipeline {
  const list = pipeline[LIST[hook]]
  if (!list.includes(slot)) return pipeline
  const closed = slot.plugin.onError === 'drop' && (hook === 'inbound' || hook === 'outbound' || hook === 'unwrap')
  const replacement = hookSlot({ ...slot.plugin, [hook]: () => drop(reason) }, slot.ctx, hook)
  const next = closed ? list.map((s) => (s === slot ? replacement : s)) : list.filter((s) => s !== slot)
  return { ...pipeline, [LIST[hook]]: next }
}

function hookSlot(plugin: Plugin, ctx: PluginContext, hook: HookName): HookSlot {
  return { plugin, ctx, run: plugin[hook] as HookSlot['run'], failures: 0 }
}

const LIST = { unwrap: 'unwrappers', wrap: 'wrappers', decode: 'decoders', encode: 'encoders', inbound: 'inbound', outbound: 'outbound' } as const

const FAILED = Symbol('failed')

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}

/**
 * Runs a waterfall of `inbound` or `outbound` hooks. Stays synchronous until a hook returns a
 * promise, so a pipeline of plain hooks costs no promise per message.
 */
export function runChain<T extends Message | Outgoing>(
  slots: readonly HookSlot[],
  hook: T extends Message ? 'inbound' : 'outbound',
  value: T,
  host: HookHost,
  done: (value: T) => void,
  start = 0,
): void {
  for (let i = start; i < slots.length; i++) {
    const slot = slots[i]!
    let result: unknown
    try {
      result = (slot.run as (this: Plugin, value: T, ctx: PluginContext) => unknown).call(slot.plugin, value, slot.ctx)
    } catch (error) {
      host.failed(slot, hook, error, value)
      if (slot.plugin.onError === 'drop') return host.dropped(slot, `its ${hook} hook failed (the plugin fails closed)`, value)
      continue
    }
    if (slot.failures !== 0) slot.failures = 0
    if (result === undefined || result === null) continue
    if (isThenable(result)) {
      const next = i + 1
      settle(result, slot, hook, host, value).then((outcome) => {
        if (outcome === FAILED) {
          if (slot.plugin.onError === 'drop') return host.dropped(slot, `its ${hook} hook failed (the plugin fails closed)`, value)
          return runChain(slots, hook, value, host, done, next)
        }
        slot.failures = 0
        if (isDrop(outcome)) return host.dropped(slot, outcome.drop, value)
        runChain(slots, hook, (outcome ?? value) as T, host, done, next)
      })
      return
    }
    if (isDrop(result)) return host.dropped(slot, result.drop, value)
    value = result as T
  }
  done(value)
}

function settle(promise: PromiseLike<unknown>, slot: HookSlot, hook: 'inbound' | 'outbound', host: HookHost, subject: Message | Outgoing): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      host.failed(slot, hook, new ChatError('E_PLUGIN', `its ${hook} hook did not finish within ${host.hookTimeout} ms`), subject)
      resolve(FAILED)
    }, host.hookTimeout)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        host.failed(slot, hook, error, subject)
        resolve(FAILED)
      },
    )
  })
}

/** The first decoder that answers; a decoder that throws is reported and the next one asked. */
export function runDecode(slots: readonly HookSlot[], bytes: Uint8Array, from: Address, host: HookHost): Decoded | undefined {
  for (const slot of slots) {
    try {
      const decoded = (slot.run as NonNullable<Plugin['decode']>).call(slot.plugin, bytes, slot.ctx, from)
      if (slot.failures !== 0) slot.failures = 0
      if (decoded) return decoded
    } catch (error) {
      host.failed(slot, 'decode', error, { text: '', to: from, meta: {} })
    }
  }
  return undefined
}

/** The first encoder that answers; an encoder that throws is reported and the next one asked. */
export function runEncode(slots: readonly HookSlot[], message: Outgoing, host: HookHost): Uint8Array | undefined {
  for (const slot of slots) {
    try {
      const bytes = (slot.run as NonNullable<Plugin['encode']>).call(slot.plugin, message.text, slot.ctx, message.to)
      if (slot.failures !== 0) slot.failures = 0
      if (bytes) return bytes
    } catch (error) {
      host.failed(slot, 'encode', error, message)
    }
  }
  return undefined
}

/**
 * The bytes the `unwrap` hooks leave of a datagram, or the drop that stopped it (with its plugin).
 * A hook that throws is reported; the datagram then stops if the plugin fails closed, else goes on as it was.
 */
export function runUnwrap(slots: readonly HookSlot[], bytes: Uint8Array, from: Address, host: HookHost): Uint8Array | { slot: Slot; drop: string } {
  for (const slot of slots) {
    let result: Uint8Array | Drop | undefined
    try {
      result = (slot.run as NonNullable<Plugin['unwrap']>).call(slot.plugin, bytes, slot.ctx, from)
    } catch (error) {
      host.failed(slot, 'unwrap', error, { text: '', to: from, meta: {} })
      if (slot.plugin.onError === 'drop') return { slot, drop: 'its unwrap hook failed (the plugin fails closed)' }
      continue
    }
    if (slot.failures !== 0) slot.failures = 0
    if (result instanceof Uint8Array) bytes = result
    else if (isDrop(result)) return { slot, drop: result.drop }
  }
  return bytes
}

/**
 * The bytes after every `wrap` hook. A hook that throws is reported; its wrapping is left out, or,
 * if its plugin fails closed, the datagram stops (`undefined`): a signer never lets out what it did not sign.
 */
export function runWrap(slots: readonly HookSlot[], bytes: Uint8Array, out: Outgoing, host: HookHost): Uint8Array | undefined {
  for (const slot of slots) {
    try {
      const wrapped = (slot.run as NonNullable<Plugin['wrap']>).call(slot.plugin, bytes, slot.ctx, out.to)
      if (slot.failures !== 0) slot.failures = 0
      if (wrapped) bytes = wrapped
    } catch (error) {
      host.failed(slot, 'wrap', error, out)
      if (slot.plugin.onError === 'drop') return undefined
    }
  }
  return bytes
}
