import type { ModuleLoader, RuntimeKey, UdpTransport } from './types.ts'
import { bunTransport } from './bun.ts'
import { denoTransport } from './deno.ts'
import { denoLoader } from './deno-loader.ts'
import { nativeLoader } from './native-loader.ts'
import { nodeTransport } from './node.ts'

/** Which runtime runs us, decided once. */
export function getRuntimeKey(): RuntimeKey {
  const g = globalThis as { Deno?: unknown; Bun?: unknown }
  if (g.Deno !== undefined) return 'deno'
  if (g.Bun !== undefined) return 'bun'
  return 'node'
}

const transports: Record<RuntimeKey, () => UdpTransport> = {
  node: () => nodeTransport,
  deno: denoTransport,
  bun: bunTransport,
}
const chosen = new Map<RuntimeKey, UdpTransport>()

/** The transport for the running runtime (built once per runtime). */
export function getTransport(runtime: RuntimeKey = getRuntimeKey()): UdpTransport {
  let transport = chosen.get(runtime)
  if (!transport) chosen.set(runtime, (transport = transports[runtime]()))
  return transport
}

// jiti is imported only where it is used: on Deno it would want to read and write its cache at start-up.
const loadNode: ModuleLoader = {
  import: async (file, options) => (await import('./node-loader.ts')).nodeLoader.import(file, options),
  warm: () => void import('./node-loader.ts').then(({ nodeLoader }) => nodeLoader.warm?.()),
}

const loaders: Record<RuntimeKey, () => ModuleLoader> = {
  node: () => loadNode,
  deno: denoLoader,
  bun: () => nativeLoader({ forget: true }),
}
const loaded = new Map<RuntimeKey, ModuleLoader>()

/** How the running runtime imports a TypeScript config: jiti on Node, native `import()` on Deno and Bun. */
export function getModuleLoader(runtime: RuntimeKey = getRuntimeKey()): ModuleLoader {
  let loader = loaded.get(runtime)
  if (!loader) loaded.set(runtime, (loader = loaders[runtime]()))
  return loader
}
