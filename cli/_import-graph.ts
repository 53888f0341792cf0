import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { importSpecifiers } from '../core/_imports.ts'

const MAX_FILES = 500
const EXTENSIONS = ['', '.ts', '.mts', '.js', '.mjs', '.cts', '.cjs', '/index.ts', '/index.js']

/**
 * The config file and every local file it imports, directly or not, each with the local files
 * it imports (files under node_modules and bare package names are left out). Read from the
 * source text, so it works on every runtime.
 */
export function scanImports(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const queue = [entry]
  while (queue.length && graph.size < MAX_FILES) {
    const file = queue.shift()!
    if (graph.has(file)) continue
    const imports: string[] = []
    graph.set(file, imports)
    let source: string
    try {
      source = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const specifier of importSpecifiers(source)) {
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) continue
      const target = resolveFile(resolve(dirname(file), specifier))
      if (target && !/[\\/]node_modules[\\/]/.test(target) && !imports.includes(target)) {
        imports.push(target)
        queue.push(target)
      }
    }
  }
  return graph
}

/** The changed files and every module that imports one of them, up to the config: what a reload must read again. */
export function staleModules(graph: Map<string, string[]>, changed: Iterable<string>): string[] {
  const importers = new Map<string, string[]>()
  for (const [file, imports] of graph)
    for (const target of imports) importers.set(target, [...(importers.get(target) ?? []), file])
  const stale = new Set<string>()
  const queue = [...changed]
  while (queue.length) {
    const file = queue.shift()!
    if (stale.has(file)) continue
    stale.add(file)
    queue.push(...(importers.get(file) ?? []))
  }
  return [...stale]
}

function resolveFile(base: string): string | undefined {
  for (const extension of EXTENSIONS) {
    const file = base + extension
    if (existsSync(file) && statSync(file).isFile()) return file
  }
  return undefined
}
