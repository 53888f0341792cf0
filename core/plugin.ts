import { HOOKS, HOOK_NAMES, type HookName } from './hooks.ts'
import type { PluginHooks } from './plugin-hooks.ts'
import type { StandardSchema } from './standard-schema.ts'

/** A plugin: a name, optional options with their schema, and hooks. */
export interface Plugin<Options = unknown> extends PluginHooks<Options> {
  /** Shown in logs, traces and `/plugins`; also the key of the plugin's store. */
  name: string
  /** Runs before (`pre`) or after (`post`) the plugins without it; config order otherwise. */
  enforce?: 'pre' | 'post'
  /**
   * What happens to a message when one of this plugin's hooks throws: `skip` passes it on
   * unchanged, `drop` stops it (a filter such as auth must fail closed).
   * @default 'skip'
   */
  onError?: 'skip' | 'drop'
  /**
   * A schema for `options` (valibot's, or any Standard Schema: zod, arktype...); checked with the
   * rest of the config, before any setup. Its output type becomes `ctx.options`.
   */
  schema?: StandardSchema<unknown, Options>
  /** The options as the user wrote them. */
  options?: unknown
}

/**
 * Identity: gives a plugin its types. With a `schema`, `ctx.options` has the schema's output type.
 *
 * ```ts
 * export const shout = () => definePlugin({ name: 'shout', inbound: (m) => ({ ...m, text: m.text.toUpperCase() }) })
 * ```
 */
export function definePlugin<Options = undefined>(plugin: Plugin<Options>): Plugin<Options> {
  return plugin
}

/** A plugin with its options validated. */
export interface ResolvedPlugin {
  plugin: Plugin
  options: unknown
}

/** Config order, with `enforce: 'pre'` plugins first and `'post'` last (stable). */
export function orderPlugins(plugins: readonly ResolvedPlugin[]): ResolvedPlugin[] {
  const rank = (p: ResolvedPlugin) => (p.plugin.enforce === 'pre' ? 0 : p.plugin.enforce === 'post' ? 2 : 1)
  return [...plugins].sort((a, b) => rank(a) - rank(b))
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

/** The hooks of running plugins that still run, by hook: each entry names the plugin it belongs to. */
type RunningHooks = { readonly hooks: Record<HookName, ReadonlyArray<{ readonly owner: object }>> }

/** The plugins as they run (pass them through `orderPlugins` first); with running hooks, which are off. */
export function describePlugins(
  plugins: ReadonlyArray<{ plugin: Plugin; options: unknown }>,
  running?: RunningHooks,
): PluginInfo[] {
  return plugins.map((entry) => {
    const { plugin, options } = entry
    const hooks = HOOK_NAMES.filter((hook) => typeof plugin[hook] === 'function')
    const on = (hook: HookName) => running?.hooks[hook].some((e) => e.owner === entry)
    const off = running ? hooks.filter((hook) => HOOKS[hook] !== 'sequential' && !on(hook as HookName)) : []
    return { name: plugin.name, ...(plugin.enforce ? { enforce: plugin.enforce } : {}), hooks, off, options }
  })
}
