import { HOOK_NAMES } from './hooks.ts'
import type { Plugin } from './plugin.ts'

/** A plugin and its options, as a reload compares them. */
type Compared = { readonly plugin: Plugin; readonly options: unknown }

/** A plugin's `dispose` that failed. */
export interface DisposeFailure {
  plugin: string
  error: Error
}

/** What a reload did, for the one line the CLI prints. */
export interface ReloadReport {
  /** Plugins in the new config only. */
  added: string[]
  /** Plugins in the old config only (disposed; their store is gone). */
  removed: string[]
  /** Plugins in both whose options or hook code differ. */
  changed: string[]
  /** Plugins in both, the same. */
  unchanged: string[]
  /** From the call to the swap (the new plugins' setup included), in ms. */
  swapMs: number
  /** In all, the disposal of the old plugins included, in ms. */
  ms: number
  /** The old plugins' `dispose` failures (each also reported as an error event). */
  errors: DisposeFailure[]
  /** Parts of the config a reload cannot apply (a new port needs a restart). */
  notes: string[]
}

/** `relay`, or `relay#2` for a second plugin of the same name. */
function keyed(slots: readonly Compared[]): Map<string, Compared> {
  const seen = new Map<string, number>()
  const out = new Map<string, Compared>()
  for (const slot of slots) {
    const n = (seen.get(slot.plugin.name) ?? 0) + 1
    seen.set(slot.plugin.name, n)
    out.set(n === 1 ? slot.plugin.name : `${slot.plugin.name}#${n}`, slot)
  }
  return out
}

/** Which plugins a reload adds, removes, changes (options or code) or keeps as they were. */
export function comparePlugins(
  before: readonly Compared[],
  after: readonly Compared[],
): Pick<ReloadReport, 'added' | 'removed' | 'changed' | 'unchanged'> {
  const old = keyed(before)
  const next = keyed(after)
  const report = { added: [] as string[], removed: [] as string[], changed: [] as string[], unchanged: [] as string[] }
  for (const [name, slot] of next) {
    const was = old.get(name)
    if (!was) report.added.push(name)
    else if (same(was.options, slot.options) && same(hooksOf(was), hooksOf(slot))) report.unchanged.push(name)
    else report.changed.push(name)
  }
  for (const name of old.keys()) if (!next.has(name)) report.removed.push(name)
  return report
}

function hooksOf({ plugin }: Compared): unknown[] {
  return [plugin.enforce, plugin.onError, ...HOOK_NAMES.map((hook) => plugin[hook])]
}

/** Structural equality; functions compare by source, as a fresh import makes new ones. */
function same(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true
  if (depth > 8 || typeof a !== typeof b || a === null || b === null) return false
  if (typeof a === 'function') return String(a) === String(b)
  if (typeof a !== 'object') return false
  if (a instanceof RegExp || b instanceof RegExp)
    return String(a) === String(b) && a instanceof RegExp && b instanceof RegExp
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a as object)
  const kb = Object.keys(b as object)
  if (ka.length !== kb.length) return false
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1))
}

/**
 * `reloaded in 12.3 ms: added time; removed echo; changed relay (options or code); 2 unchanged`.
 * @param loadMs the time spent loading the config before `reload()`, counted in
 */
export function describeReload(report: ReloadReport, loadMs = 0): string {
  const parts: string[] = []
  if (report.added.length) parts.push(`added ${report.added.join(', ')}`)
  if (report.removed.length) parts.push(`removed ${report.removed.join(', ')}`)
  if (report.changed.length) parts.push(`changed ${report.changed.join(', ')} (options or code)`)
  if (!parts.length) parts.push('no plugin changed')
  if (report.unchanged.length) parts.push(`${report.unchanged.length} unchanged`)
  return `reloaded in ${(loadMs + report.swapMs).toFixed(1)} ms: ${parts.join('; ')}`
}
