import type { Plugin } from './types.ts'

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
