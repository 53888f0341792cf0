import type { ModuleLoader, RuntimeKey, UdpTransport } from './types.ts'
import { nodeTransport } from './node.ts'
import { nodeLoader } from './node-loader.ts'

/** Which runtime runs us, decided once. */
export function getRuntimeKey(): RuntimeKey {
  const g = globalThis as { Deno?: unknown; Bun?: unknown }
  if (g.Deno !== undefined) return 'deno'
  if (g.Bun !== undefined) return 'bun'
  return 'node'
}

const transports: Record<RuntimeKey, () => UdpTransport> = {
  node: () => nodeTransport,
  deno: () => nodeTransport,
  bun: () => nodeTransport,
}

/** The transport for the running runtime. */
export function getTransport(runtime: RuntimeKey = getRuntimeKey()): UdpTransport {
  return transports[runtime]()
}

const loaders: Record<RuntimeKey, () => ModuleLoader> = {
  node: () => nodeLoader,
  deno: () => nodeLoader,
  bun: () => nodeLoader,
}

/** How the running runtime imports a TypeScript config. */
export function getModuleLoader(runtime: RuntimeKey = getRuntimeKey()): ModuleLoader {
  return loaders[runtime]()
}
