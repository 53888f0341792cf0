import type { ConsolaInstance } from 'consola'
import type { ResolvedPlugin } from './config.ts'
import type { Slot } from './pipeline.ts'
import type { Address } from './address.ts'
import type { Message, Peers, PluginContext, Target } from './types.ts'

/** What a plugin context needs from its chat. */
export interface ContextHost {
  send(text: string, to: Target, plugin: string): void
  broadcast(text: string, to: Iterable<Address>, plugin: string): void
  reply(message: Message, text: string, plugin: string): void
  markProven(address: Address, proven: boolean): void
  store(name: string): Map<string, unknown>
  report(status: Record<string, unknown>, plugin: string): void
}

/** A plugin's slot, and how to end its lifetime (abort its signal, clear its timers). */
export interface Lifetime {
  slot: Slot
  /** Set before `dispose` when a reload replaces the plugin with a new instance of the same name. */
  replaced: boolean
  end(): void
}

export function createContext(
  { plugin, options }: ResolvedPlugin,
  chat: { local: Address; peers: Peers; logger: ConsolaInstance; host: ContextHost },
): Lifetime {
  const controller = new AbortController()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const { host } = chat
  const name = plugin.name
  const ctx: PluginContext = {
    name,
    options,
    local: chat.local,
    peers: chat.peers,
    logger: chat.logger.withTag(name),
    signal: controller.signal,
    store: host.store(name),
    get reloading() {
      return lifetime.replaced
    },
    send: (text, to) => host.send(text, to, name),
    broadcast: (text, to) => host.broadcast(text, to, name),
    reply: (message, text) => host.reply(message, text, name),
    markProven: (address, proven = true) => host.markProven(address, proven),
    report: (status) => host.report(status, name),
    setTimeout(fn, ms) {
      const timer = setTimeout(() => {
        timers.delete(timer)
        fn()
      }, ms)
      timers.add(timer)
      return timer
    },
    setInterval(fn, ms) {
      const timer = setInterval(fn, ms)
      timers.add(timer)
      return timer
    },
  }
  const lifetime: Lifetime = {
    slot: { plugin, ctx },
    replaced: false,
    end() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      controller.abort()
    },
  }
  return lifetime
}
