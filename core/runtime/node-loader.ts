import { createJiti } from 'jiti'
import type { ModuleLoader } from './types.ts'

const jiti = createJiti(import.meta.url, { fsCache: true })

/** On Node, TypeScript configs load through jiti (its disk cache makes a second start fast). */
export const nodeLoader: ModuleLoader = {
  async import(file, options) {
    if (options?.fresh) {
      const fresh = createJiti(import.meta.url, { fsCache: true, moduleCache: false })
      return (await fresh.import(file)) as Record<string, unknown>
    }
    return (await jiti.import(file)) as Record<string, unknown>
  },
}
