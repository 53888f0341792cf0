#!/usr/bin/env node
// Runs the TypeScript sources directly: jiti compiles them once and keeps the result on disk.
import { createJiti } from 'jiti'

const jiti = createJiti(import.meta.url, { fsCache: true })
await jiti.import('../cli/bin.ts')
