import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { loadConfig, LOAD_TIMEOUT_MS } from '../../core/load.ts'
import type { ModuleLoader } from '../../core/runtime/types.ts'
import { getModuleLoader } from '../../core/runtime/get-module-loader.ts'
import { nativeLoader, syntaxError } from '../../core/runtime/native-loader.ts'
import { nodeLoader } from '../../core/runtime/node-loader.ts'

// loadConfig() with a loader given by the test (what it does with what a loader answers), and
// the loaders themselves on files written to a temporary folder (what a reload reads again).
const dir = mkdtempSync(join(tmpdir(), 'udpchat-load-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => void vi.useRealTimers())

function loader(answer: (file: string, fresh: unknown) => Promise<Record<string, unknown>>) {
  const calls: Array<[string, unknown]> = []
  const l: ModuleLoader = {
    import: (file, options) => (calls.push([file, options?.fresh]), answer(file, options?.fresh)),
  }
  return { loader: l, calls }
}

describe('loadConfig() with a given loader', () => {
  it('validates the default export, calls it when it is a function, and names the file it came from', async () => {
    const { loader: l, calls } = loader(async () => ({ default: async () => ({ port: 0, host: '127.0.0.1' }) }))
    const config = await loadConfig('/x/chat.config.ts', { loader: l, fresh: ['/x/a.ts'] })
    expect(config).toMatchObject({ port: 0, host: '127.0.0.1', file: '/x/chat.config.ts' })
    expect(calls).toEqual([['/x/chat.config.ts', ['/x/a.ts']]])
    const labelled = await loadConfig('/x/chat.config.ts', { loader: l, label: 'chat.config.ts', fresh: true })
    expect(labelled.file).toBe('chat.config.ts')
    expect(calls[1]).toEqual(['/x/chat.config.ts', true])
  })

  it('asks for a default export when there is none, or it is undefined', async () => {
    for (const module of [{}, { default: undefined }, { config: {} }]) {
      const { loader: l } = loader(async () => module)
      await expect(loadConfig('/x/c.ts', { loader: l, label: 'c.ts' })).rejects.toMatchObject({
        code: 'E_CONFIG',
        message: 'c.ts: expected a default export (`export default defineConfig({ ... })`), got none',
      })
    }
  })

  it("reports a loader's failure as a config that cannot load, with where a syntax error is", async () => {
    const failing = (error: unknown) => loader(() => Promise.reject(error)).loader
    const syntax = new SyntaxError('Unexpected token\n  /x/chat.config.ts:3:7  \nmore')
    await expect(loadConfig('/x/c.ts', { loader: failing(syntax), label: 'c.ts' })).rejects.toMatchObject({
      code: 'E_CONFIG',
      message: 'c.ts: cannot load the config: Unexpected token (at /x/chat.config.ts:3:7)',
      cause: syntax,
    })
    await expect(loadConfig('/x/c.ts', { loader: failing(new Error(' no such file ')) })).rejects.toMatchObject({
      message: '/x/c.ts: cannot load the config: no such file',
    })
    await expect(loadConfig('/x/c.ts', { loader: failing('thrown text') })).rejects.toMatchObject({
      message: '/x/c.ts: cannot load the config: thrown text',
    })
    // A first line that looks like a place is not taken as one: only the lines after it.
    await expect(loadConfig('/x/c.ts', { loader: failing(new Error('/x/a.ts:1:2')) })).rejects.toMatchObject({
      message: '/x/c.ts: cannot load the config: /x/a.ts:1:2',
    })
  })

  it('gives up after the timeout (10 s by default) on a config that never settles, and then holds no timer', async () => {
    vi.useFakeTimers()
    expect(LOAD_TIMEOUT_MS).toBe(10_000)
    const never = loader(() => new Promise(() => {})).loader
    const outcome = loadConfig('/x/c.ts', { loader: never, label: 'c.ts' }).catch((error: Error) => error)
    await vi.advanceTimersByTimeAsync(9_999)
    const early = await Promise.race([outcome, Promise.resolve('pending')])
    expect(early).toBe('pending')
    await vi.advanceTimersByTimeAsync(1)
    expect(await outcome).toMatchObject({
      code: 'E_CONFIG',
      message: 'c.ts: the config did not finish loading within 10 s (an import or its default export never settles)',
    })
    const short = loadConfig('/x/c.ts', { loader: never, timeout: 1500 }).catch((error: Error) => error.message)
    await vi.advanceTimersByTimeAsync(1500)
    expect(await short).toContain('within 1.5 s')
    const quick = loader(async () => ({ default: { port: 0 } })).loader
    await loadConfig('/x/c.ts', { loader: quick })
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('the loaders on Node', () => {
  const write = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }

  it('nodeLoader reads a changed config again only when told: every local file, or the ones named', async () => {
    const part = write('part.ts', 'export const n: number = 1\n')
    const config = write('node.config.ts', "import { n } from './part.ts'\nexport default { port: n }\n")
    const port = async (fresh?: boolean | string[]) =>
      ((await nodeLoader.import(config, { fresh })).default as { port: number }).port
    expect(await port()).toBe(1)
    write('part.ts', 'export const n: number = 2\n')
    expect(await port()).toBe(1)
    // The config alone read again: its import still comes from the cache.
    expect(await port([])).toBe(1)
    expect(await port([part])).toBe(2)
    write('part.ts', 'export const n: number = 3\n')
    expect(await port(true)).toBe(3)
  }, 20_000) // jiti transforms TypeScript here, slow on a busy machine

  it('nodeLoader gives a CommonJS config, or one without a default export, itself as the default', async () => {
    const cjs = write('c.config.cjs', 'module.exports = { port: 5 }\n')
    expect((await nodeLoader.import(cjs)).default).toEqual({ port: 5 })
    // A module with no default export at all is its own default too.
    const esm = write('e.config.mjs', 'export const port = 6\n')
    const namespace = await nodeLoader.import(esm)
    expect(Object.keys(namespace)).toEqual(['default'])
    expect({ ...(namespace.default as object) }).toEqual({ port: 6 })
  })

  it('nodeLoader gives an empty file no default (not an empty config), as import() does on Deno and Bun', async () => {
    for (const [name, text] of <Array<[string, string]>>[
      ['empty.config.ts', ''],
      ['blank.config.mjs', '\n  \n'],
    ]) {
      const file = write(name, text)
      expect(await nodeLoader.import(file)).not.toHaveProperty('default')
      await expect(loadConfig(file, { label: name })).rejects.toMatchObject({
        code: 'E_CONFIG',
        message: `${name}: expected a default export (\`export default defineConfig({ ... })\`), got none`,
      })
    }
  }, 20_000) // jiti transforms TypeScript here, slow on a busy machine

  it('getModuleLoader() on Node loads through jiti, once, and warms it without a word', async () => {
    const config = write('g.config.ts', 'const port: number = 7\nexport default { port }\n')
    const first = getModuleLoader('node')
    expect((await first.import(config)).default).toEqual({ port: 7 })
    expect(getModuleLoader().warm?.()).toBeUndefined()
  }, 20_000) // jiti transforms TypeScript here, slow on a busy machine

  it('nativeLoader imports through import(), a new evaluation on a reload', async () => {
    const file = write(
      'native.mjs',
      'globalThis.__udpchatLoads = (globalThis.__udpchatLoads ?? 0) + 1\nexport default 1\n',
    )
    const native = nativeLoader()
    const loads = () => (globalThis as { __udpchatLoads?: number }).__udpchatLoads
    expect((await native.import(file)).default).toBe(1)
    await native.import(file)
    expect(loads()).toBe(1)
    await native.import(file, { fresh: true })
    expect(loads()).toBe(2)
    await nativeLoader({ forget: true }).import(file, { fresh: [file] })
    expect(loads()).toBe(3)
    await expect(native.import(join(dir, 'missing.mjs'))).rejects.toMatchObject({ code: 'ERR_MODULE_NOT_FOUND' })
  })
})

describe('syntaxError()', () => {
  it("tells Bun's build error as jiti does: the message, then FILE:LINE:COLUMN", () => {
    const bun = Object.assign(new Error('build failed'), {
      errors: [{ message: 'Unexpected }', position: { file: '/x/chat.config.ts', line: 3, column: 9 } }],
    })
    const told = syntaxError(bun)!
    expect(told).toBeInstanceOf(SyntaxError)
    expect(told.message).toBe('SyntaxError: Unexpected }\n/x/chat.config.ts:3:9')
    expect(told.cause).toBe(bun)
  })

  it("tells Deno's the same way, from its message", () => {
    const deno = new Error('SyntaxError: Expected ident\n    at file:///x/chat.config.ts:2:4')
    const told = syntaxError(deno)!
    expect(told.message).toBe('SyntaxError: Expected ident\n/x/chat.config.ts:2:4')
    expect(told.cause).toBe(deno)
  })

  it('leaves anything else alone', () => {
    expect(syntaxError('text')).toBeUndefined()
    expect(syntaxError(new Error('plain'))).toBeUndefined()
    expect(syntaxError(Object.assign(new Error('x'), { errors: [{ message: 'm', position: null }] }))).toBeUndefined()
    expect(syntaxError(Object.assign(new Error('x'), { errors: [] }))).toBeUndefined()
  })
})
