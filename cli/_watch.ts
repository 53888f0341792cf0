import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { describeError, getModuleLoader } from './_core.ts'
import { findConfig, type SessionFlags } from './_config.ts'
import { scanImports, staleModules } from './_import-graph.ts'
import { counted, type Output } from './_output.ts'
import type { Reloader } from './_reloader.ts'

/**
 * Quiet time after the last file event before a reload starts: editors write a file in bursts,
 * and a save that is not atomic (truncate, then write) shows an empty or half file in between.
 */
export const DEBOUNCE_MS = 50
/** Quiet times to wait for an empty changed file to get its content (20 x 50 ms). */
const EMPTY_WAITS = 20
/** Watches the config and its local imports; a change (debounced) reloads. */
export function watchConfig(output: Output, flags: SessionFlags, reloader: Reloader): { close(): void } {
  const config = findConfig(flags.config, output.io.cwd)
  if (!config) {
    output.logger.warn('--watch: there is no config file to watch (chat.config.ts or --config FILE)')
    return { close() {} }
  }
  const watchers = new Map<string, FSWatcher>()
  let graph = new Map<string, string[]>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let firstEvent: number | undefined
  let changed: Set<string> | undefined = new Set()

  function onEvent(dir: string, name: string | null) {
    const file = name === null ? undefined : join(dir, name)
    if (file !== undefined && !graph.has(file)) return
    firstEvent ??= performance.now()
    // Without a file name (some platforms), read every local file again.
    if (file === undefined) changed = undefined
    else changed?.add(file)
    clearTimeout(timer)
    timer = setTimeout(whenSettled, DEBOUNCE_MS)
  }

  /** What the changed files look like on disk now (size and modification time). */
  function snapshot(): string {
    const files = changed ? [...changed] : [...graph.keys()]
    return files
      .map((file) => {
        try {
          const { size, mtimeMs } = statSync(file)
          return `${size}:${mtimeMs}`
        } catch {
          return 'gone'
        }
      })
      .join(' ')
  }

  // A busy machine can stall a writer between its truncate and its write for longer than any
  // quiet time: the reload waits until the changed files look the same two quiet times apart,
  // and gives a file left empty (most likely truncated, its content still to come) up to a second.
  let seen: string | undefined
  let emptyWaits = 0
  function whenSettled() {
    const now = snapshot()
    const empty = now.split(' ').some((entry) => entry.startsWith('0:'))
    if (now !== seen || (empty && ++emptyWaits < EMPTY_WAITS)) {
      seen = now
      timer = setTimeout(whenSettled, DEBOUNCE_MS)
      return
    }
    seen = undefined
    emptyWaits = 0
    void reloadNow()
  }

  async function reloadNow() {
    const at = firstEvent
    // The graph of the last scan says which modules import a changed file, without reading any.
    const stale = changed && staleModules(graph, changed)
    firstEvent = undefined
    changed = new Set()
    await reloader.reload(at, stale)
    // Even after a failed reload: a file it newly imports must be watched, to see it fixed.
    update()
  }

  function update() {
    graph = scanImports(config!)
    const dirs = new Set([...graph.keys()].map((file) => dirname(file)))
    for (const [dir, watcher] of watchers) if (!dirs.has(dir)) watcher.close(), watchers.delete(dir)
    for (const dir of dirs) {
      if (watchers.has(dir)) continue
      try {
        // A directory, not the file: editors that save by renaming a new file over the old one stay seen.
        const watcher = watch(dir, { persistent: false }, (_event, name) =>
          onEvent(dir, name === null ? null : basename(name)),
        )
        watcher.on('error', (error) => output.logger.warn(`--watch: stopped watching ${dir}: ${describeError(error)}`))
        watchers.set(dir, watcher)
      } catch (error) {
        output.logger.warn(`--watch: cannot watch ${dir}: ${describeError(error)}`)
      }
    }
  }

  update()
  getModuleLoader().warm?.()
  output.event('watching', { files: [...graph.keys()] })
  if (!output.options.json) output.logger.info(`watching ${counted(graph.size, 'file')} for changes`)
  return {
    close() {
      clearTimeout(timer)
      for (const watcher of watchers.values()) watcher.close()
      watchers.clear()
    },
  }
}
