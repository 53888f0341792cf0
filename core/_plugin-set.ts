import type { ConsolaInstance } from 'consola'
import type { Address } from './address.ts'
import type { ResolvedPlugin } from './plugin.ts'
import { ChatError, describeError, isChatError } from './errors.ts'
import type { ChatEventHandler } from './events.ts'
import { HOOKS, MESSAGE_HOOKS, REVERSED, type HookName } from './hooks.ts'
import { orderPlugins } from './plugin.ts'
import type { DisposeFailure } from './reload-report.ts'
import type { Message } from './message.ts'
import type { Peers, Target } from './peers.ts'
import type { Plugin } from './plugin.ts'
import type { PluginContext } from './plugin-context.ts'
import { wrongArgument } from './_answers.ts'

/** One plugin at run time: the plugin, its options, its context, and the end of its lifetime. */
export interface RunningPlugin {
  readonly plugin: Plugin
  readonly options: unknown
  readonly ctx: PluginContext
  /** Aborts its signal and clears its timers. */
  end(): void
}

/** One hook of one running plugin, as the engine calls it. */
export interface HookEntry {
  readonly owner: RunningPlugin
  readonly hook: HookName
  /** Looked up once: read per message as `plugin[hook]`, with every plugin a differently shaped object, it was megamorphic. */
  readonly run: (this: Plugin, ...args: never[]) => unknown
  /** Every hook but `decode`/`encode` of a plugin with `onError: 'drop'`: a failure stops the datagram. */
  readonly failClosed: boolean
  /** Failures in a row. */
  failures: number
}

/** The plugins in effect, ordered, with each message hook's entries picked out once. */
export interface PluginSet {
  readonly plugins: readonly RunningPlugin[]
  readonly hooks: Record<HookName, readonly HookEntry[]>
}

/** What a plugin's context reaches: the chat's parts, and the engine for its sends. */
export interface ContextServices {
  local: Address
  peers: Peers
  logger: ConsolaInstance
  store(name: string): Map<string, unknown>
  send(text: string, to: Target, plugin: string): void
  broadcast(text: string, to: Iterable<Address>, plugin: string): void
  reply(message: Message, text: string, plugin: string): void
  markProven(address: Address, proven: boolean, plugin: string): void
  report(status: Record<string, unknown>, plugin: string): void
  /** A failure of the plugin outside its hooks (a timer's callback threw): reported, never thrown on. */
  failed(error: Error, plugin: string): void
}

/** Wraps each hook as it is picked out (tracing times each hook this way). */
export type HookWrapper = (run: HookEntry['run'], hook: HookName, plugin: Plugin) => HookEntry['run']

// Written only by stopPlugins, just before `dispose`; read through `ctx.reloading`.
const reloading = new WeakMap<RunningPlugin, boolean>()

/**
 * Sets the plugins up in order (after `orderPlugins`), each within `timeout` ms. When one fails,
 * those already set up are disposed (in reverse) and a ChatError names the plugin that failed.
 * @param reload a reload's new plugins: on failure the old instances run on, so no goodbyes
 */
export async function startPlugins(
  resolved: readonly ResolvedPlugin[],
  services: ContextServices,
  options: { timeout: number; emit: ChatEventHandler; wrap?: HookWrapper; reload?: boolean },
): Promise<PluginSet> {
  const plugins: RunningPlugin[] = []
  try {
    for (const entry of orderPlugins(resolved)) {
      const running = createRunning(entry, services)
      plugins.push(running)
      await withTimeout(running.plugin.setup?.(running.ctx), options.timeout, 'its setup')
    }
  } catch (error) {
    await stopPlugins(plugins, { ...options, kept: () => options.reload === true })
    const name = plugins.at(-1)?.plugin.name
    // An option that names no contact and no address (`schedule({ to: 'nobdy' })`) is the config's mistake.
    const code = isChatError(error) && error.code === 'E_TARGET' ? 'E_CONFIG' : 'E_PLUGIN'
    throw new ChatError(code, `Plugin "${name}" failed to start: ${describeError(error)}`, { cause: error })
  }
  const hooks = Object.fromEntries(MESSAGE_HOOKS.map((hook) => [hook, entriesOf(plugins, hook, options.wrap)]))
  return { plugins, hooks: hooks as unknown as PluginSet['hooks'] }
}

/**
 * Disposes in reverse order; every failure is reported and collected, none stops the others.
 * @param options.kept whether a reload replaces the plugin with a new instance (`ctx.reloading`)
 */
export async function stopPlugins(
  plugins: readonly RunningPlugin[],
  options: { timeout: number; emit: ChatEventHandler; kept?: (name: string) => boolean },
): Promise<DisposeFailure[]> {
  const failures: DisposeFailure[] = []
  for (const running of [...plugins].reverse()) {
    const { plugin, ctx } = running
    reloading.set(running, options.kept?.(plugin.name) ?? false)
    try {
      await withTimeout(plugin.dispose?.(ctx), options.timeout, 'its dispose')
    } catch (error) {
      failures.push({ plugin: plugin.name, error: asError(error) })
      options.emit({ type: 'error', error: asError(error), plugin: plugin.name, hook: 'dispose' })
    } finally {
      running.end()
    }
  }
  return failures
}

/** A hook entry that no longer runs the plugin: it drops every message (a plugin that fails closed, switched off). */
export function dropping(entry: HookEntry, reason: string): HookEntry {
  return { ...entry, run: () => ({ drop: reason }), failures: 0 }
}

function entriesOf(plugins: readonly RunningPlugin[], hook: HookName, wrap?: HookWrapper): HookEntry[] {
  const failClosed = (p: Plugin) => p.onError === 'drop' && HOOKS[hook] !== 'first'
  const entries = plugins
    .filter((owner) => typeof owner.plugin[hook] === 'function')
    .map((owner) => {
      const run = owner.plugin[hook] as HookEntry['run']
      return {
        owner,
        hook,
        run: wrap ? wrap(run, hook, owner.plugin) : run,
        failClosed: failClosed(owner.plugin),
        failures: 0,
      }
    })
  return REVERSED.has(hook) ? entries.reverse() : entries
}

function createRunning({ plugin, options }: ResolvedPlugin, services: ContextServices): RunningPlugin {
  const controller = new AbortController()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const name = plugin.name
  // A timer's callback is the plugin's code run by nobody's hook: a throw or a rejection there
  // would be uncaught and end the process, so it is reported as the plugin's error instead.
  const failed = (error: unknown) => services.failed(asError(error), name)
  const call = (fn: () => unknown) => {
    try {
      const result = fn()
      if (result && typeof (result as PromiseLike<unknown>).then === 'function')
        (result as PromiseLike<unknown>).then(undefined, failed)
    } catch (error) {
      failed(error)
    }
  }
  const ctx: PluginContext = {
    name,
    options,
    local: services.local,
    peers: services.peers,
    logger: services.logger.withTag(name),
    signal: controller.signal,
    store: services.store(name),
    get reloading() {
      return reloading.get(running) ?? false
    },
    send: (text, to) => services.send(text, to, name),
    broadcast: (text, to) => services.broadcast(text, to, name),
    reply: (message, text) => services.reply(message, text, name),
    markProven: (address, proven = true) => services.markProven(address, proven, name),
    report: (status) => services.report(status, name),
    setTimeout(fn, ms) {
      checkCallback('setTimeout(fn, ms)', fn)
      const timer = setTimeout(() => {
        timers.delete(timer)
        call(fn)
      }, ms)
      timers.add(timer)
      return timer
    },
    setInterval(fn, ms) {
      checkCallback('setInterval(fn, ms)', fn)
      const timer = setInterval(() => call(fn), ms)
      timers.add(timer)
      return timer
    },
  }
  const running: RunningPlugin = {
    plugin,
    options,
    ctx,
    end() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      controller.abort()
    },
  }
  return running
}

function checkCallback(call: string, fn: unknown): void {
  if (typeof fn !== 'function') throw wrongArgument(call, '`fn` to be a function', fn)
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
