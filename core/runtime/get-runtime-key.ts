import type { RuntimeKey } from './types.ts'

/** Which runtime runs us. */
export function getRuntimeKey(): RuntimeKey {
  const g = globalThis as { Deno?: unknown; Bun?: unknown }
  if (g.Deno !== undefined) return 'deno'
  if (g.Bun !== undefined) return 'bun'
  return 'node'
}
