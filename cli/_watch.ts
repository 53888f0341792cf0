import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { describeError, describeReload, getModuleLoader, isChatError, type Chat } from './_core.ts'
import type { Output } from './_output.ts'
import { findConfig, readConfig, type SessionFlags } from './_session.ts'

/** The `--watch` flag, for the commands that run until stopped (chat, serve, join). */

/**
 * Quiet time after the last file event before a reload starts: editors write a file in bursts,
 * and a save that is not atomic (truncate, then write) shows an empty or half file in between.
 */
const DEBOUNCE_MS = 50
/** Quiet times to wait for an empty changed file to get its content (20 x 50 ms). */
const EMPTY_WAITS = 20
const MAX_FILES = 500
const EXTENSIONS = ['', '.ts', '.mts', '.js', '.mjs', '.cts', '.cjs', '/index.ts', '/index.js']
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*['"]([^'"\n]+)['"]/g

/**
 * The config file and every local file it imports, directly or not, each with the local files
 * it imports (files under node_modules and bare package names are left out). Read from the
 * source text, so it works on every runtime.
 */
export function scanImports(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const queue = [entry]
  while (queue.length && graph.size < MAX_FILES) {
    const file = queue.shift()!
    if (graph.has(file)) continue
    const imports: string[] = []
    graph.set(file, imports)
    let source: string
    try {
      source = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const [, specifier] of source.matchAll(SPECIFIER)) {
      if (!specifier!.startsWith('.') && !specifier!.startsWith('/')) continue
      const target = resolveFile(resolve(dirname(file), specifier!))
      if (target && !/[\\/]node_modules[\\/]/.test(target) && !imports.includes(target)) {
        imports.push(target)
        queue.push(target)
      }
    }
  }
  return graph
}

/** The changed files and every module that imports one of them, up to the config: what a reload must read again. */
export function staleModules(graph: Map<string, string[]>, changed: Iterable<string>): string[] {
  const importers = new Map<string, string[]>()
  for (const [file, imports] of graph) for (const target of imports) importers.set(target, [...(importers.get(target) ?? []), file])
  const stale = new Set<string>()
  const queue = [...changed]
  while (queue.length) {
    const file = queue.shift()!
    if (stale.has(file)) continue
    stale.add(file)
    queue.push(...(importers.get(file) ?? []))
  }
  return [...stale]
}

function resolveFile(base: string): string | undefined {
  for (const extension of EXTENSIONS) {
    const file = base + extension
    if (existsSync(file) && statSync(file).isFile()) return file
  }
  return undefined
}

/** Reloads a running chat from its config, one reload at a time, printing one line for each. */
export interface Reloader {
  /**
   * @param changedAt when the file event came (performance.now()), to report the delay since
   * @param stale the modules to read again: the changed files and those that import them (see `staleModules`); default every local file
   */
  reload(changedAt?: number, stale?: readonly string[]): Promise<boolean>
}

export function createReloader(output: Output, flags: SessionFlags, chat: Chat, defaults: { port?: number } = {}): Reloader {
  let running: Promise<boolean> | undefined
  let again: { at: number; changed: Set<string> | undefined } | undefined

  async function once(changedAt: number | undefined, stale: readonly string[] | undefined): Promise<boolean> {
    const began = performance.now()
    try {
      const file = findConfig(flags.config)
      const fresh = stale ?? (file ? [...scanImports(file).keys()] : true)
      const config = await readConfig(flags, { ...defaults, fresh })
      const loadMs = performance.now() - began
      const report = await chat.reload(config)
      const afterChangeMs = changedAt === undefined ? undefined : began + loadMs + report.swapMs - changedAt
      output.event('reload', {
        ok: true, added: report.added, removed: report.removed, changed: report.changed, unchanged: report.unchanged,
        loadMs: round(loadMs), swapMs: round(report.swapMs), afterChangeMs: afterChangeMs === undefined ? null : round(afterChangeMs),
        disposeErrors: report.errors.map((e) => ({ plugin: e.plugin, message: describeError(e.error) })),
      })
      if (!output.options.json) {
        const since = afterChangeMs === undefined ? '' : `; ${afterChangeMs.toFixed(1)} ms after the change`
        output.logger.info(`${describeReload(report, loadMs)}${since}`)
      }
      for (const note of report.notes) output.logger.warn(note)
      return true
    } catch (error) {
      const message = isChatError(error) && error.code === 'E_PLUGIN' ? error.message : `${isChatError(error) ? error.message : describeError(error)}\nthe old plugins keep running`
      output.event('reload', { ok: false, code: isChatError(error) ? error.code : 'E_INTERNAL', message })
      output.logger.error(`reload failed: ${message}`)
      if (output.options.verbose && error instanceof Error) output.logger.debug((error.cause instanceof Error ? error.cause : error).stack)
      return false
    }
  }

  return {
    reload(changedAt, changed) {
      if (running) {
        // One more reload after this one, for everything that changed meanwhile.
        again ??= { at: changedAt ?? performance.now(), changed: new Set() }
        if (!changed) again.changed = undefined
        else for (const file of changed) again.changed?.add(file)
        return running
      }
      running = once(changedAt, changed).finally(() => {
        running = undefined
        if (again !== undefined) {
          const next = again
          again = undefined
          void this.reload(next.at, next.changed && [...next.changed])
        }
      })
      return running
    },
  }
}

/** Watches the config and its local imports; a change (debounced) reloads. */
export function watchConfig(output: Output, flags: SessionFlags, reloader: Reloader): { close(): void } {
  const config = findConfig(flags.config)
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
    return files.map((file) => {
      try {
        const { size, mtimeMs } = statSync(file)
        return `${size}:${mtimeMs}`
      } catch {
        return 'gone'
      }
    }).join(' ')
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
    for (const [dir, watcher] of watchers) if (!dirs.has(dir)) (watcher.close(), watchers.delete(dir))
    for (const dir of dirs) {
      if (watchers.has(dir)) continue
      try {
        // A directory, not the file: editors that save by renaming a new file over the old one stay seen.
        const watcher = watch(dir, { persistent: false }, (_event, name) => onEvent(dir, name === null ? null : basename(name)))
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
  if (!output.options.json) output.logger.info(`watching ${graph.size} file${graph.size === 1 ? '' : 's'} for changes`)
  return {
    close() {
      clearTimeout(timer)
      for (const watcher of watchers.values()) watcher.close()
      watchers.clear()
    },
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10
