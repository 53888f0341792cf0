import { readFileSync } from 'node:fs'
import { dirname, extname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { replaceImports } from '../_imports.ts'
import type { ModuleLoader } from './types.ts'
import { nativeLoader, syntaxError } from './native-loader.ts'

const PACKAGE = /[\\/]node_modules[\\/]/
// udpchat's own core is loaded once: a fresh copy of it would only duplicate it (and take seconds on Deno).
const CORE = fileURLToPath(new URL('..', import.meta.url))
const RELATIVE = /^(?:\.{1,2}\/|\/|file:)/
const MEDIA: Record<string, string> = {
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'jsx',
  '.tsx': 'tsx',
}

/**
 * On Deno, configs load through native `import()`. Deno keeps every module it evaluated until it
 * exits, and a query string on the config does not reach the files it imports; so a reload reads
 * the stale files (those listed, or every local one) itself and imports each as a `blob:` module
 * whose local imports point at the fresh copies of the other stale files, and at the loaded
 * modules for the rest. `import.meta.url` keeps the file's own URL.
 */
export function denoLoader(): ModuleLoader {
  // The module in effect for each file a reload copied: files not stale next time import these.
  const current = new Map<string, string>()
  // Files copied by a reload that failed: still stale for the next one.
  const pending = new Set<string>()
  return {
    async import(file, options) {
      const fresh = options?.fresh
      if (!fresh) return nativeLoader().import(file)
      const listed = new Set(fresh === true ? [] : [file, ...fresh, ...pending])
      const reload: Reload = {
        stale: (path) => !path.startsWith(CORE) && (fresh === true ? !PACKAGE.test(path) : listed.has(path)),
        current,
        copies: new Map(),
        origins: new Map(),
      }
      let url: string
      try {
        url = copy(file, reload, new Set())
      } catch {
        // A file that cannot be read: let the runtime say so, as on a first start.
        return nativeLoader().import(file, { fresh: true })
      }
      try {
        const module = (await import(url)) as Record<string, unknown>
        for (const [path, copied] of reload.copies) current.set(path, copied)
        pending.clear()
        return module
      } catch (error) {
        for (const path of reload.copies.keys()) pending.add(path)
        throw syntaxError(renamed(error, reload.origins)) ?? renamed(error, reload.origins)
      }
    },
  }
}

interface Reload {
  stale(path: string): boolean
  current: ReadonlyMap<string, string>
  /** File path -> the `blob:` URL of its fresh copy. */
  copies: Map<string, string>
  /** `blob:` URL -> the file URL it stands for, to name files in errors. */
  origins: Map<string, string>
}

/** The `blob:` URL of a fresh copy of `path`, its stale imports copied first. */
function copy(path: string, reload: Reload, visiting: Set<string>): string {
  const { stale, current, copies, origins } = reload
  const done = copies.get(path)
  if (done) return done
  const own = pathToFileURL(path).href
  // An import cycle among stale files: the module already loaded closes it.
  if (visiting.has(path)) return current.get(path) ?? own
  visiting.add(path)
  const imported = replaceImports(readFileSync(path, 'utf8'), (specifier) => {
    const target = locate(specifier, path)
    if (target === undefined || typeof target !== 'string') return target?.href
    return stale(target) ? copy(target, reload, visiting) : (current.get(target) ?? pathToFileURL(target).href)
  })
  const source = imported
    .replace(/\bimport\.meta\.url\b/g, JSON.stringify(own))
    .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(path))
    .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(path)))
  visiting.delete(path)
  // A blob: URL, not a data: URL, which would hold each stale import's whole URL and grow with every level.
  const url = URL.createObjectURL(new Blob([source], { type: `application/${MEDIA[extname(path)] ?? 'typescript'}` }))
  copies.set(path, url)
  origins.set(url, own)
  return url
}

/** A local file (absolute path), a package resolved from here (URL), or `undefined` to leave the specifier alone. */
function locate(specifier: string, from: string): string | URL | undefined {
  if (RELATIVE.test(specifier))
    return specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(dirname(from), specifier)
  if (/^[a-z][a-z\d+.-]*:/i.test(specifier)) return undefined // node:, npm:, jsr:, https:
  try {
    // A `blob:` module has no folder to resolve a package name from: udpchat's own is the nearest.
    return new URL(import.meta.resolve(specifier))
  } catch {
    return undefined
  }
}

/** The error with each `blob:` URL of a copy replaced by its file's URL. */
function renamed(error: unknown, origins: Map<string, string>): unknown {
  if (!(error instanceof Error)) return error
  let message = error.message
  for (const [url, own] of origins) message = message.split(url).join(own)
  if (message === error.message) return error
  const result = new Error(message, { cause: error })
  result.name = error.name
  return result
}
