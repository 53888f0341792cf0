import { afterEach, describe, expect, it } from 'vitest'
import { importSpecifiers, replaceImports } from '../../core/_imports.ts'
import { InFlight } from '../../core/_in-flight.ts'
import { drop, isDrop } from '../../core/drop.ts'
import { getRuntimeKey } from '../../core/runtime/get-runtime-key.ts'

// Small helpers that several parts lean on, each checked at its edges.
describe('drop() and isDrop()', () => {
  it('knows a drop by a string `drop` field, and nothing else', () => {
    expect(drop('spam')).toEqual({ drop: 'spam' })
    expect(isDrop(drop(''))).toBe(true)
    for (const other of [null, undefined, 'drop', { drop: 1 }, { text: 'x' }, () => {}]) {
      expect(isDrop(other)).toBe(false)
    }
  })
})

describe('getRuntimeKey()', () => {
  const g = globalThis as { Deno?: unknown; Bun?: unknown }
  afterEach(() => {
    delete g.Deno
    delete g.Bun
  })

  it('says node here, deno when Deno is defined, bun when Bun is', () => {
    expect(getRuntimeKey()).toBe('node')
    g.Bun = {}
    expect(getRuntimeKey()).toBe('bun')
    g.Deno = {}
    expect(getRuntimeKey()).toBe('deno')
    delete g.Bun
    expect(getRuntimeKey()).toBe('deno')
  })
})

describe('importSpecifiers() and replaceImports()', () => {
  const source = [
    "import { a } from './a.ts'",
    'import "./side.ts"',
    "export * from '../b.ts'",
    "const c = await import('./c.ts')",
    "const d = require ( './d.cjs' )",
    "const e = imported('./not.ts')",
    "const s = 'from me'",
  ].join('\n')

  it('finds from, import, import() and require() specifiers, and nothing else', () => {
    expect(importSpecifiers(source)).toEqual(['./a.ts', './side.ts', '../b.ts', './c.ts', './d.cjs'])
    expect(importSpecifiers('')).toEqual([])
  })

  it('replaces the specifiers it is given an answer for, keeping the quotes and the rest', () => {
    const out = replaceImports(source, (s) => (s.startsWith('./') ? `${s}?v=2` : undefined))
    expect(out).toBe(
      [
        "import { a } from './a.ts?v=2'",
        'import "./side.ts?v=2"',
        "export * from '../b.ts'",
        "const c = await import('./c.ts?v=2')",
        "const d = require ( './d.cjs?v=2' )",
        "const e = imported('./not.ts')",
        "const s = 'from me'",
      ].join('\n'),
    )
  })
})

describe('InFlight', () => {
  it('is idle at once with nothing in flight, and wakes every waiter when the last work ends', async () => {
    const work = new InFlight()
    await work.idle()
    work.start()
    work.start()
    const woken: string[] = []
    void work.idle().then(() => woken.push('a'))
    void work.idle().then(() => woken.push('b'))
    work.end()
    await Promise.resolve()
    expect(woken).toEqual([])
    work.end()
    await Promise.resolve()
    await Promise.resolve()
    expect(woken).toEqual(['a', 'b'])
    // Woken once: new work and its end wake only new waiters.
    work.start()
    void work.idle().then(() => woken.push('c'))
    work.end()
    await Promise.resolve()
    await Promise.resolve()
    expect(woken).toEqual(['a', 'b', 'c'])
  })
})
