import { describeError, describeReload, isChatError, type ReloadReport, type ResolvedConfig } from './_core.ts'
import { findConfig, readConfig, type SessionFlags } from './_config.ts'
import { scanImports } from './_import-graph.ts'
import type { Output } from './_output.ts'

/** Reloads a running chat from its config, one reload at a time, printing one line for each. */
export interface Reloader {
  /**
   * @param changedAt when the file event came (performance.now()), to report the delay since
   * @param stale the modules to read again: the changed files and those that import them (see `staleModules`); default every local file
   */
  reload(changedAt?: number, stale?: readonly string[]): Promise<boolean>
}

export function createReloader(
  output: Output,
  flags: SessionFlags,
  reload: (config: ResolvedConfig) => Promise<ReloadReport>,
  defaults: { port?: number } = {},
): Reloader {
  let running: Promise<boolean> | undefined
  let again: { at: number; changed: Set<string> | undefined } | undefined

  async function once(changedAt: number | undefined, stale: readonly string[] | undefined): Promise<boolean> {
    const began = performance.now()
    try {
      const file = findConfig(flags.config, output.io.cwd)
      const fresh = stale ?? (file ? [...scanImports(file).keys()] : true)
      const config = await readConfig(flags, output, { ...defaults, fresh })
      const loadMs = performance.now() - began
      const report = await reload(config)
      const afterChangeMs = changedAt === undefined ? undefined : began + loadMs + report.swapMs - changedAt
      output.event('reload', {
        ok: true,
        added: report.added,
        removed: report.removed,
        changed: report.changed,
        unchanged: report.unchanged,
        loadMs: round(loadMs),
        swapMs: round(report.swapMs),
        afterChangeMs: afterChangeMs === undefined ? null : round(afterChangeMs),
        disposeErrors: report.errors.map((e) => ({ plugin: e.plugin, message: describeError(e.error) })),
      })
      if (!output.options.json) {
        const since = afterChangeMs === undefined ? '' : `; ${afterChangeMs.toFixed(1)} ms after the change`
        output.logger.info(`${describeReload(report, loadMs)}${since}`)
      }
      for (const note of report.notes) output.logger.warn(note)
      return true
    } catch (error) {
      const message =
        isChatError(error) && error.code === 'E_PLUGIN'
          ? error.message
          : `${isChatError(error) ? error.message : describeError(error)}; the old plugins keep running`
      output.event('reload', { ok: false, code: isChatError(error) ? error.code : 'E_INTERNAL', message })
      output.logger.error(`reload failed: ${message}`)
      if (output.options.verbose && error instanceof Error)
        output.logger.debug((error.cause instanceof Error ? error.cause : error).stack)
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

const round = (ms: number) => Math.round(ms * 10) / 10
