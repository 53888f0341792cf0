import type { ModuleLoader, RuntimeKey } from './types.ts'
import { getRuntimeKey } from './get-runtime-key.ts'

// Each loader is imported only where it is used: jiti on Deno would want to read and write its cache at start-up.
const loadNode: ModuleLoader = {
  import: async (file, options) => (await import('./node-loader.ts')).nodeLoader.import(file, options),
  warm: () => void import('./node-loader.ts').then(({ nodeLoader }) => nodeLoader.warm?.()),
}

const loaders: Record<RuntimeKey, () => Promise<ModuleLoader>> = {
  node: async () => loadNode,
  deno: async () => (await import('./deno-loader.ts')).denoLoader(),
  bun: async () => (await import('./native-loader.ts')).nativeLoader({ forget: true }),
}
const loaded = new Map<RuntimeKey, Promise<ModuleLoader>>()

/** How the running runtime imports a TypeScript config: jiti on Node, native `import()` on Deno and Bun. */
export function getModuleLoader(runtime: RuntimeKey = getRuntimeKey()): ModuleLoader {
  let loader = loaded.get(runtime)
  if (!loader) loaded.set(runtime, (loader = loaders[runtime]()))
  const ready = loader
  return {
    import: async (file, options) => (await ready).import(file, options),
    warm: () => void ready.then((l) => l.warm?.()),
  }
}
