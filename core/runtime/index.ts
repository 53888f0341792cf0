import type { ModuleLoader, RuntimeKey, UdpTransport } from './types.ts'
import { bunTransport } from './bun.ts'
import { denoTransport } from './deno.ts'
import { denoLoader } from './deno-loader.ts'
import { nativeLoader } from './native-loader.ts'
import { nodeTransport } from './node.ts'
import { groupTransport, type GroupOptions } from './group.ts'
import { ChatError } from '../errors.ts'

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

/**
 * The transport of a multicast room: node:dgram, on Node and Bun (Bun's own UDP socket cannot
 * share a port with the other members here). Not on Deno: its node:dgram accepts
 * setMulticastInterface but does not apply it (measured: datagrams and joins left by the default
 * interface), and its own socket cannot pick the interface at all, so a room could leak off the machine.
 */
export function getGroupTransport(group: GroupOptions, base: UdpTransport = nodeTransport): UdpTransport {
  if (getRuntimeKey() === 'deno') {
    const why = 'multicast rooms do not work on Deno: it cannot choose the interface multicast leaves from; run this chat with Node or Bun'
    return { ...base, runtime: 'deno', bind: () => Promise.reject(new ChatError('E_BIND', why)) }
  }
  return groupTransport(base, group)
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
