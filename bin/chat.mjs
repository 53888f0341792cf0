#!/usr/bin/env node
// The Node entry: runs the TypeScript sources directly through jiti, which compiles each file
// once and keeps the result on disk (node_modules/.cache/jiti), so later starts skip the compile.
import { readFileSync } from 'node:fs'

const [first] = process.argv.slice(2)
if ((first === '--version' || first === '-v') && process.argv.length === 3) {
  // Answered here so that `chat --version` loads no TypeScript at all (cli/main.ts does the same on Deno and Bun).
  console.log(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version)
} else {
  const { createJiti } = await import('jiti')
  // interopDefault off: it would put every module behind a Proxy whose trap runs on each call of
  // an imported function, on the hot path too (see core/runtime/node-loader.ts).
  await createJiti(import.meta.url, { fsCache: true, interopDefault: false }).import('../cli/bin.ts')
}
