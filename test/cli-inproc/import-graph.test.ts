import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { scanImports, staleModules } from '../../cli/_import-graph.ts'
import { tempDir } from '../helpers/chat-process.ts'

/** Writes files (path relative to a fresh folder: source) and returns the folder. */
function tree(files: Record<string, string>): string {
  const dir = tempDir('udpchat-graph-')
  for (const [name, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), source)
  }
  return dir
}

describe('scanImports (what --watch watches)', () => {
  it('follows local imports by any extension or index file, once each, and leaves out packages and node_modules', () => {
    const dir = tree({
      'chat.config.ts': [
        "import { a } from './a.ts'",
        "import { b } from './b'", // resolved to b.mjs
        "import { a as again } from './a.ts'", // listed once
        "import { lib } from './lib'", // a folder: its index.ts
        "import { dep } from './node_modules/dep/index.ts'",
        "import * as v from 'valibot'",
        "import { lone } from 'lone'", // a bare name (a package), though ./lone.ts exists
        "import { gone } from './gone.ts'",
      ].join('\n'),
      'a.ts': "import '../outside.ts'\nimport './chat.config.ts'\n", // a cycle back to the config
      'b.mjs': 'export const b = 1\n',
      'lone.ts': 'export const lone = 1\n',
      'lib/index.ts': "export { c } from './c.ts'\n",
      'lib/c.ts': 'export const c = 1\n',
      'node_modules/dep/index.ts': 'export const dep = 1\n',
    })
    const f = (name: string) => join(dir, name)
    expect([...scanImports(f('chat.config.ts'))]).toEqual([
      [f('chat.config.ts'), [f('a.ts'), f('b.mjs'), f('lib/index.ts')]],
      [f('a.ts'), [f('chat.config.ts')]],
      [f('b.mjs'), []],
      [f('lib/index.ts'), [f('lib/c.ts')]],
      [f('lib/c.ts'), []],
    ])
  })

  it('takes an absolute path as local, and a file it cannot read as importing nothing', () => {
    const dir = tree({ 'other.ts': '' })
    const config = join(dir, 'chat.config.ts')
    writeFileSync(config, `import '${join(dir, 'other.ts')}'\nimport '${join(dir, 'missing.ts')}'\n`)
    expect([...scanImports(config)]).toEqual([
      [config, [join(dir, 'other.ts')]],
      [join(dir, 'other.ts'), []],
    ])
    expect([...scanImports(join(dir, 'nowhere.ts'))]).toEqual([[join(dir, 'nowhere.ts'), []]])
  })

  it('stops at 500 files', () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 510; i++) files[`m${i}.ts`] = `import './m${i + 1}.ts'\n`
    const dir = tree(files)
    const graph = scanImports(join(dir, 'm0.ts'))
    expect(graph.size).toBe(500)
    expect(graph.has(join(dir, 'm499.ts'))).toBe(true)
  })
})

describe('staleModules (what a reload reads again)', () => {
  it('the changed files and every module importing them, to the config, each once (cycles too)', () => {
    const graph = new Map([
      ['config', ['a', 'b']],
      ['a', ['c']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', []],
    ])
    expect(staleModules(graph, ['c'])).toEqual(['c', 'a', 'b', 'config'])
    expect(staleModules(graph, ['d'])).toEqual(['d', 'b', 'config'])
    expect(staleModules(graph, ['config'])).toEqual(['config'])
    expect(staleModules(graph, [])).toEqual([])
  })
})
