import { createRequire } from 'node:module'
import { createJiti } from 'jiti'
import type { ModuleLoader } from './types.ts'

// No `interopDefault`: with it, jiti hands every module to its importers behind a Proxy, and
// each call of an imported function pays the Proxy's trap (about a third of the pipeline's own
// time per datagram in bench/hotpath.ts). bin/chat.mjs does the same for the CLI's modules.
const jiti = createJiti(import.meta.url, { fsCache: true, interopDefault: false })
// jiti keeps the modules it evaluates in Node's require cache: a module forgotten there is read again.
const cache = createRequire(import.meta.url).cache
const PACKAGE = /[\\/]node_modules[\\/]/

/** On Node, TypeScript configs load through jiti (its disk cache makes a second start fast). */
export const nodeLoader: ModuleLoader = {
  async import(file, options) {
    const fresh = options?.fresh
    if (fresh) {
      // Only the listed files, or every local one: packages stay loaded, which keeps a reload fast.
      const stale = fresh === true ? Object.keys(cache).filter((key) => !PACKAGE.test(key)) : [file, ...fresh]
      for (const key of stale) delete cache[key]
    }
    const module = (await jiti.import(file)) as Record<string, unknown>
    // A CommonJS config (`module.exports = {...}`) is its own default, as with Deno's and Bun's
    // import(). A file that exports nothing (an empty one) has none: as there, not an empty config.
    const exportsNothing = Object.keys(module).length === 0
    return 'default' in module || module.__esModule || exportsNothing ? module : { default: module }
  },
  warm() {
    // Loads the TypeScript transform (~200 ms, once per process): at start-up every module came
    // from the disk cache without it. Not from the cache here, or nothing would be loaded.
    createJiti(import.meta.url, { fsCache: false }).transform({
      source: 'import { a } from "./a.ts"\nexport const b: number = a',
      filename: 'warm.ts',
      ts: true,
    })
  },
}
