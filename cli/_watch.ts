import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { describeError, describeReload, isChatError, type Chat } from '../core/index.ts'
import type { Output } from './_output.ts'
import { findConfig, readConfig, type SessionFlags } from './_session.ts'

/** The `--watch` flag, for the commands that run until stopped (chat, serve, join). */
export const watchOption = { watch: { type: 'boolean', short: 'w' } } as const
export const watchHelp = `  -w, --watch           reload the plugins when the config or a local file it imports changes`

/** Quiet time after the last file event before a reload starts: editors write a file in bursts. */
const DEBOUNCE_MS = 10
const MAX_FILES = 500
const EXTENSIONS = ['', '.ts', '.mts', '.js', '.mjs', '.cts', '.cjs', '/index.ts', '/index.js']
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*['"]([^'"\n]+)['"]/g

/**
 * The config file and every local file it imports, directly or not (files under node_modules
 * and bare package names are left out). Read from the source text, so it works on every runtime.
 */
export function localImports(entry: string): string[] {
  const found = new Set<string>([entry])
  const queue = [entry]
  while (queue.length && found.size < MAX_FILES) {
    const file = queue.shift()!
    let source: string
    try {
      source = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const [, specifier] of source.matchAll(SPECIFIER)) {
      if (!specifier!.startsWith('.') && !specifier!.startsWith('/')) continue
      const target = resolveFile(resolve(dirname(file), specifier!))
      if (target && !target.includes('/node_modules/') && !found.has(target)) {
        found.add(target)
        queue.push(target)
      }
    }
  }
  return [...found]
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
  /** `changedAt`: when the file event came (performance.now()), to report the delay since. */
  reload(changedAt?: number): Promise<boolean>
}

export function createReloader(output: Output, flags: SessionFlags, chat: Chat, defaults: { port?: number } = {}): Reloader {
  let running: Promise<boolean> | undefined
  let again: number | undefined

  async function once(changedAt: number | undefined): Promise<boolean> {
    const began = performance.now()
    try {
      const config = await readConfig(flags, { ...defaults, fresh: true })
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
    reload(changedAt) {
      if (running) {
        again ??= changedAt ?? performance.now()
        return running
      }
      running = once(changedAt).finally(() => {
        running = undefined
        if (again !== undefined) {
          const next = again
          again = undefined
          void this.reload(next)
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
  let files = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let firstEvent: number | undefined

  function onEvent(dir: string, name: string | null) {
    if (name !== null && !files.has(join(dir, name))) return
    firstEvent ??= performance.now()
    clearTimeout(timer)
    timer = setTimeout(async () => {
      const at = firstEvent
      firstEvent = undefined
      if (await reloader.reload(at)) update()
    }, DEBOUNCE_MS)
  }

  function update() {
    files = new Set(localImports(config!))
    const dirs = new Set([...files].map((file) => dirname(file)))
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
  output.event('watching', { files: [...files] })
  if (!output.options.json) output.logger.info(`watching ${files.size} file${files.size === 1 ? '' : 's'} for changes`)
  return {
    close() {
      clearTimeout(timer)
      for (const watcher of watchers.values()) watcher.close()
      watchers.clear()
    },
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10
