import type { ResolvedPlugin } from './config.ts'
import { ChatError, describeError } from './errors.ts'
import type { ChatEventHandler } from './events.ts'
import type { Lifetime } from './_context.ts'

/**
 * Sets plugins up in order, each within `timeout` ms. When one fails, those already set up are
 * disposed (in reverse) and a ChatError names the plugin that failed.
 */
export async function setupAll(
  ordered: readonly ResolvedPlugin[],
  start: (resolved: ResolvedPlugin) => Lifetime,
  timeout: number,
  emit: ChatEventHandler,
  reloading = false,
): Promise<Lifetime[]> {
  const lifetimes: Lifetime[] = []
  try {
    for (const resolved of ordered) {
      const lifetime = start(resolved)
      lifetimes.push(lifetime)
      await withTimeout(lifetime.slot.plugin.setup?.(lifetime.slot.ctx), timeout, `its setup`)
    }
  } catch (error) {
    // In a failed reload the old instances run on with the same stores: no goodbyes.
    for (const lifetime of lifetimes) lifetime.replaced = reloading
    await disposeAll(lifetimes, timeout, emit)
    const name = ordered[lifetimes.length - 1]?.plugin.name
    throw new ChatError('E_PLUGIN', `Plugin "${name}" failed to start: ${describeError(error)}`, { cause: error })
  }
  return lifetimes
}

/** A plugin's `dispose` that failed. */
export interface DisposeFailure {
  plugin: string
  error: Error
}

/** Disposes in reverse order; every failure is reported and collected, none stops the others. */
export async function disposeAll(lifetimes: readonly Lifetime[], timeout: number, emit: ChatEventHandler): Promise<DisposeFailure[]> {
  const failures: DisposeFailure[] = []
  for (const lifetime of [...lifetimes].reverse()) {
    const { plugin, ctx } = lifetime.slot
    try {
      await withTimeout(plugin.dispose?.(ctx), timeout, `its dispose`)
    } catch (error) {
      failures.push({ plugin: plugin.name, error: asError(error) })
      emit({ type: 'error', error: asError(error), plugin: plugin.name, hook: 'dispose' })
    } finally {
      lifetime.end()
    }
  }
  return failures
}

/** `work`, or a ChatError once `ms` have passed without it settling. */
export function withTimeout(work: void | Promise<void>, ms: number, what: string): Promise<void> | void {
  if (!work) return
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChatError('E_PLUGIN', `${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
