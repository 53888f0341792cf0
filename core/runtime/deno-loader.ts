import { Buffer } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { dirname, extname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ModuleLoader } from './types.ts'
import { nativeLoader, syntaxError } from './native-loader.ts'

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\2/g
const PACKAGE = /[\\/]node_modules[\\/]/
const RELATIVE = /^(?:\.{1,2}\/|\/|file:)/
const MEDIA: Record<string, string> = { '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'jsx', '.tsx': 'tsx' }

/**
 * On Deno, configs load through native `import()`. Deno keeps every module it evaluated until it
 * exits, and a query string on the config does not reach the files it imports; so a reload reads
 * the stale files (those listed, or every local one) itself and imports each as a `data:` module
 * whose local imports point at the fresh copies of the other stale files, and at the loaded
 * modules for the rest. `import.meta.url` keeps the file's own URL.
 */
export const denoLoader: ModuleLoader = {
  async import(file, options) {
    const fresh = options?.fresh
    if (!fresh) return nativeLoader().import(file)
    const listed = new Set(fresh === true ? [] : [file, ...fresh])
    const stale = fresh === true ? (path: string) => !PACKAGE.test(path) : (path: string) => listed.has(path)
    const copies = new Map<string, string>()
    const origins = new Map<string, string>()
    let url: string
    try {
      url = copy(file, stale, copies, origins, new Set())
    } catch {
      // A file that cannot be read: let the runtime say so, as on a first start.
      return nativeLoader().import(file, { fresh: true })
    }
    try {
      return (await import(url)) as Record<string, unknown>
    } catch (error) {
      throw syntaxError(renamed(error, origins)) ?? renamed(error, origins)
    }
  },
}

/** The `data:` URL of a fresh copy of `path`, its stale imports copied first. */
function copy(path: string, stale: (path: string) => boolean, copies: Map<string, string>, origins: Map<string, string>, visiting: Set<string>): string {
  const done = copies.get(path)
  if (done) return done
  const own = pathToFileURL(path).href
  // An import cycle among stale files: the module already loaded closes it.
  if (visiting.has(path)) return own
  visiting.add(path)
  const source = readFileSync(path, 'utf8')
    .replace(SPECIFIER, (whole, lead: string, quote: string, specifier: string) => {
      const target = locate(specifier, path)
      if (target === undefined) return whole
      const to = typeof target === 'string' && stale(target) ? copy(target, stale, copies, origins, visiting) : typeof target === 'string' ? pathToFileURL(target).href : target.href
      return `${lead}${quote}${to}${quote}`
    })
    .replace(/\bimport\.meta\.url\b/g, JSON.stringify(own))
    .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(path))
    .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(path)))
  visiting.delete(path)
  const url = `data:application/${MEDIA[extname(path)] ?? 'typescript'};base64,${Buffer.from(source).toString('base64')}`
  copies.set(path, url)
  origins.set(url, own)
  return url
}

/** A local file (absolute path), a package resolved from here (URL), or `undefined` to leave the specifier alone. */
function locate(specifier: string, from: string): string | URL | undefined {
  if (RELATIVE.test(specifier)) return specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(dirname(from), specifier)
  if (/^[a-z][a-z\d+.-]*:/i.test(specifier)) return undefined // node:, npm:, jsr:, https:
  try {
    // A `data:` module has no folder to resolve a package name from: udpchat's own is the nearest.
    return new URL(import.meta.resolve(specifier))
  } catch {
    return undefined
  }
}

/** The error with each `data:` URL of a copy replaced by its file's URL. */
function renamed(error: unknown, origins: Map<string, string>): unknown {
  if (!(error instanceof Error)) return error
  let message = error.message
  for (const [url, own] of origins) message = message.split(url).join(own)
  if (message === error.message) return error
  const result = new Error(message, { cause: error })
  result.name = error.name
  return result
}
