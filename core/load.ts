import { resolveConfig, type ResolvedConfig } from './config.ts'
import { ChatError, describeError } from './errors.ts'
import { getModuleLoader } from './runtime/index.ts'
import type { ModuleLoader } from './runtime/types.ts'

/**
 * Imports a config file and validates it.
 * @param file an absolute path
 * @param options.label how the file is named in errors (the path as the user gave it)
 * @param options.fresh read the config again (a reload): `true` for it and every local file it
 *   imports, or the absolute paths of the files that changed and of the modules between them and the config
 * @param options.timeout ms the import and the default export's promise may take together @default 10000
 * @throws ChatError `E_CONFIG` when it does not load, does not validate, or does not finish loading in time
 */
export async function loadConfig(
  file: string,
  options: { label?: string; fresh?: boolean | readonly string[]; loader?: ModuleLoader; timeout?: number } = {},
): Promise<ResolvedConfig> {
  const label = options.label ?? file
  const timeout = options.timeout ?? LOAD_TIMEOUT_MS
  let timer: ReturnType<typeof setTimeout> | undefined
  // The timer also keeps the process alive: a promise that can never settle would otherwise let
  // it end with status 0 and no word.
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ChatError(
            'E_CONFIG',
            `${label}: the config did not finish loading within ${timeout / 1000} s (an import or its default export never settles)`,
          ),
        ),
      timeout,
    )
  })
  try {
    return await Promise.race([importConfig(file, label, options.loader ?? getModuleLoader(), options.fresh), late])
  } finally {
    clearTimeout(timer)
  }
}

/** How long a config may take to load. */
export const LOAD_TIMEOUT_MS = 10_000

async function importConfig(
  file: string,
  label: string,
  loader: ModuleLoader,
  fresh: boolean | readonly string[] | undefined,
): Promise<ResolvedConfig> {
  let module: Record<string, unknown>
  try {
    module = await loader.import(file, { fresh })
  } catch (error) {
    throw new ChatError('E_CONFIG', `${label}: cannot load the config: ${describeLoadError(error)}`, { cause: error })
  }
  let config = 'default' in module ? module.default : undefined
  if (config === undefined) {
    throw new ChatError(
      'E_CONFIG',
      `${label}: expected a default export (\`export default defineConfig({ ... })\`), got none`,
    )
  }
  if (typeof config === 'function') config = await (config as () => unknown)()
  return resolveConfig(config, label)
}

/** The error's first line, and where in the source it is when the loader says (a syntax error). */
function describeLoadError(error: unknown): string {
  const first = describeError(error).trim()
  const where =
    error instanceof Error
      ? /^\s*(\S+:\d+:\d+)\s*$/m.exec(error.message.split('\n').slice(1).join('\n'))?.[1]
      : undefined
  return where ? `${first} (at ${where})` : first
}
