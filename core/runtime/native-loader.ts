import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ModuleLoader } from './types.ts'

const PACKAGE = /[\\/]node_modules[\\/]/
let generation = 0

/**
 * On Deno and Bun, configs load through the runtime's own TypeScript `import()`. A reload imports
 * the config under a new query string, which makes the runtime read and evaluate it again; with
 * `forget` (Bun, whose `require.cache` holds ES modules too) the stale local modules it imports
 * are dropped from the cache first, so they are read again as well. Deno has no such cache to
 * drop from: deno-loader.ts reloads its way.
 */
export function nativeLoader(options: { forget?: boolean } = {}): ModuleLoader {
  const cache = options.forget ? createRequire(import.meta.url).cache : undefined
  return {
    async import(file, importOptions) {
      let url = pathToFileURL(file).href
      const fresh = importOptions?.fresh
      if (fresh) {
        if (cache) {
          const stale = fresh === true ? Object.keys(cache).filter((key) => !PACKAGE.test(key)) : fresh
          for (const key of stale) delete cache[key]
        }
        url += `?reload=${++generation}`
      }
      try {
        return (await import(url)) as Record<string, unknown>
      } catch (error) {
        throw syntaxError(error) ?? error
      }
    },
  }
}

interface BunBuildMessage {
  message: string
  position?: { file: string; line: number; column: number } | null
}

/**
 * A syntax error told the way jiti tells it on Node: the first problem, then `FILE:LINE:COLUMN`
 * on a line of its own (Bun throws an AggregateError of build messages, Deno a message with `at URL:L:C`).
 */
export function syntaxError(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined
  const built = (error as Error & { errors?: BunBuildMessage[] }).errors?.[0]
  if (built?.position) {
    const { file, line, column } = built.position
    return new SyntaxError(`SyntaxError: ${built.message}\n${file}:${line}:${column}`, { cause: error })
  }
  const deno = /^SyntaxError: (.*)[\s\S]*?\bat (file:\/\/\S+?):(\d+):(\d+)\s*$/.exec(error.message)
  if (deno)
    return new SyntaxError(`SyntaxError: ${deno[1]}\n${fileURLToPath(deno[2]!)}:${deno[3]}:${deno[4]}`, {
      cause: error,
    })
  return undefined
}
