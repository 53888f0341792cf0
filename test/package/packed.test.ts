import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { root, runChat, startChat, stopAll, type Runtime } from '../helpers/chat-process.ts'
import { plainSocket } from '../helpers/udp.ts'
import { commonjsFiles, files, lockFor, run, typo, writeFiles } from './_project.ts'

// udpchat as a user gets it: `npm pack` (which builds dist/ through `prepare`), the tarball
// installed into a fresh project with nothing but the npm cache, then the CLI, the library, the
// test kit and the types used from there on Node, Deno and Bun. One pack and one install for the file.
// Processes start while the compiler runs beside them: slower than usual on a busy machine.
vi.setConfig({ testTimeout: 60_000 })

let top = ''
let dir = ''
let packed: { filename: string; integrity: string; files: { path: string }[] }
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const tsc = join(root, 'node_modules/typescript/bin/tsc')
const DENO_FLAGS = [
  'run',
  '--unstable-net',
  '--allow-net',
  '--allow-read=.',
  '--allow-env',
  '--allow-sys=networkInterfaces',
]

/** How a user of each runtime starts the installed `chat` (the README's commands). */
function chatIn(runtime: Runtime): [string, string[]] {
  if (runtime === 'node') return [join(dir, 'node_modules', '.bin', 'chat'), []]
  if (runtime === 'deno') return [bin('deno'), [...DENO_FLAGS, 'node_modules/udpchat/dist/cli/bin.js']]
  return [bin('bun'), ['node_modules/udpchat/dist/cli/bin.js']]
}

/** A project folder next to the installed one, sharing its node_modules, with tsc --init's tsconfig. */
async function sibling(name: string, entries: Record<string, string>, type: 'module' | 'commonjs'): Promise<string> {
  const at = join(top, name)
  writeFiles(at, { ...entries, 'package.json': JSON.stringify({ name, private: true, type }) })
  symlinkSync(join(dir, 'node_modules'), join(at, 'node_modules'))
  await run(process.execPath, [tsc, '--init'], { cwd: at })
  return at
}

beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'udpchat-packed-'))
  dir = join(top, 'app')
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', top], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  packed = JSON.parse(out.slice(out.indexOf('[')))[0]
  const tarball = `../${packed.filename}`
  writeFiles(dir, {
    ...files,
    'package.json': JSON.stringify({
      name: 'fresh',
      private: true,
      type: 'module',
      dependencies: { udpchat: `file:${tarball}` },
    }),
  })
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lockFor(root, tarball, packed.integrity)))
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: dir })
  // The test runner a user would add as a dev dependency: the checkout's own.
  symlinkSync(join(root, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'))
  // tsc --init's defaults, plus the one setting that lets a project import its own .ts files.
  await run(process.execPath, [tsc, '--init'], { cwd: dir })
  allowTsImports(dir)
  allowTsImports(await sibling('cjs', commonjsFiles, 'commonjs'))
  await sibling('typo', { 'chat.config.ts': typo }, 'module')
  // The compiler runs are the slow part: all three start now, side by side, and the tests await them.
  for (const name of ['app', 'cjs', 'typo'])
    checks.set(
      name,
      run(process.execPath, [tsc, '--noEmit', '-p', join(top, name)]).then(
        () => '',
        (error) => error.stdout,
      ),
    )
}, 300_000)

const checks = new Map<string, Promise<string>>()

function allowTsImports(at: string): void {
  const tsconfig = join(at, 'tsconfig.json')
  writeFileSync(
    tsconfig,
    readFileSync(tsconfig, 'utf8').replace(
      '"compilerOptions": {',
      '"compilerOptions": {\n    "rewriteRelativeImportExtensions": true,',
    ),
  )
}

afterEach(stopAll)
afterAll(() => {
  if (top) rmSync(top, { recursive: true, force: true })
})

describe('the packed tarball', () => {
  it("holds the build and the users' docs, not the sources, the tests or the developers' docs", () => {
    const paths = packed.files.map((f) => f.path)
    expect(paths).toContain('dist/cli/bin.js')
    expect(paths).toContain('dist/core/index.d.ts')
    expect(paths).toContain('docs/plugins.md')
    expect(paths).toContain('docs/runtimes.md')
    // docs/examples import the sources (../../core/index.ts), which the package does not hold.
    const unwanted = /^(test|bench|core|cli|plugins|examples|docs\/examples)\/|^docs\/mutation-equivalents\.md$/
    expect(paths.filter((p) => unwanted.test(p) || p.endsWith('.tsbuildinfo'))).toEqual([])
  })
})

describe('installed, on node', () => {
  it("compiles none of udpchat's own code at run time: jiti takes the config and its plugin only", async () => {
    // jiti's debug lines go to stdout.
    const { stdout } = await runChat(['plugins'], { cwd: dir, command: chatIn('node'), env: { JITI_DEBUG: '1' } })
    const log = stdout.replace(/\x1b\[[\d;]*m/g, '')
    expect(log).toMatch(/\[native\] \[import\] \.\/node_modules\/udpchat\/dist\/core\/index\.js/)
    expect(log).toMatch(/\.\/shout\.ts/)
    expect(log).not.toMatch(/\[(?:transpile|cache)\][^\n]*node_modules\/udpchat/)
  })
})

describe.each(['node', 'deno', 'bun'] as const)('installed, on %s', (runtime) => {
  it('runs chat --version and chat plugins (the config and its local plugin)', async () => {
    const version = await runChat(['--version'], { cwd: dir, command: chatIn(runtime) })
    expect(version).toMatchObject({ code: 0, stdout: pkg.version })
    const plugins = await runChat(['plugins'], { cwd: dir, command: chatIn(runtime) })
    expect(plugins.stderr).toBe('')
    expect(plugins.stdout).toMatch(/2 plugins \(chat\.config\.ts\)[\s\S]*codec[\s\S]*shout .*\{ times: 2, mark: '!' \}/)
  })

  it('receives a datagram with listen --once, through the local plugin', async () => {
    const listener = startChat(['listen', '--once', '--port', '0', '--json'], { cwd: dir, command: chatIn(runtime) })
    const port = await listener.port()
    const socket = await plainSocket()
    try {
      await socket.send('hi', port)
      expect((await socket.next(15_000)).data.toString()).toBe('HI!!')
    } finally {
      await socket.close()
    }
    const exit = await listener.exited
    expect(exit.code).toBe(0)
    expect(exit.stdout).toContain('"text":"shouted: hi"')
  })

  it('imports the library from a script', async () => {
    const command =
      runtime === 'node' ? [process.execPath] : runtime === 'deno' ? [bin('deno'), ...DENO_FLAGS] : [bin('bun')]
    const { stdout } = await run(command[0]!, [...command.slice(1), 'script.mjs'], { cwd: dir })
    expect(stdout.trim()).toBe(`${runtime} HELLO`)
  })
})

describe('a user project', () => {
  it('tests its plugin with vitest and udpchat/testing', async () => {
    const { stdout } = await run(
      process.execPath,
      [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, 'shout.test.ts'],
      { cwd: dir },
    )
    expect(stdout).toMatch(/1 passed/)
  })

  it.each([
    ['"type": "module"', 'app'],
    ['"type": "commonjs" (.mts files)', 'cjs'],
  ])('type-checks with tsc --init defaults, %s', async (_, sub) => {
    expect(await checks.get(sub), 'tsc errors').toBe('')
  })

  it('gets a type error for a misspelled option', async () => {
    expect(await checks.get('typo')).toMatch(
      /typo\/chat\.config\.ts\(3,\d+\): error TS\d+: .*'maxMembrs' does not exist.* Did you mean to write 'maxMembers'\?/,
    )
  })
})
