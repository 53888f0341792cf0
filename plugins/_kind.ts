// A global symbol, not a WeakSet: a reload reads the plugin modules again (in this checkout), and
// a plugin made by the fresh copy must still be known for what it is.
const KIND = Symbol.for('udpchat.plugin-kind')

/** What a built-in plugin is, whatever it is named: `codec`, `relay`. */
export type PluginKind = 'codec' | 'relay'

/** Marks a plugin as a kind of built-in; returns it. */
export function markKind<T extends object>(plugin: T, kind: PluginKind): T {
  Object.defineProperty(plugin, KIND, { value: kind })
  return plugin
}

/** The kind a plugin was marked with, if any. */
export function kindOf(plugin: unknown): PluginKind | undefined {
  return typeof plugin === 'object' && plugin !== null ? (plugin as { [KIND]?: PluginKind })[KIND] : undefined
}
