import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../..', import.meta.url))

/** A fresh empty folder under the system's temporary folder. */
export function tempDir(prefix = 'udpchat-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/**
 * A fresh temporary folder holding a copy of the repository's chat.config.ts (the config
 * `npm start` runs, imports pointed back at the repository): `chat` started there behaves as in
 * the repository, but its transcript (`chat.jsonl`) lands in the temporary folder.
 */
export function projectDir(): string {
  const dir = tempDir('udpchat-project-')
  const config = readFileSync(join(root, 'chat.config.ts'), 'utf8').replaceAll("from './", `from '${root}`)
  writeFileSync(join(dir, 'chat.config.ts'), config)
  return dir
}

/**
 * A fresh temporary folder that looks like the repository to a user typing the README's commands
 * (`node bin/chat.mjs`, `deno task chat`, `bun cli/bin.ts`): the code through symbolic links, a copy
 * of chat.config.ts, and nothing else, so that the transcript the config writes stays out of the
 * repository.
 */
export function checkoutDir(): string {
  const dir = tempDir('udpchat-checkout-')
  for (const name of ['bin', 'cli', 'core', 'plugins', 'examples', 'node_modules', 'package.json', 'deno.json']) {
    symlinkSync(join(root, name), join(dir, name))
  }
  copyFileSync(join(root, 'chat.config.ts'), join(dir, 'chat.config.ts'))
  return dir
}

/**
 * Where `chat` runs when a test names no `cwd`: with `--config` (the test names a file of the
 * repository, relative to it) the repository; otherwise a `projectDir()`, so that no test
 * writes into the repository.
 */
function defaultCwd(args: readonly string[]): string {
  return args.includes('--config') ? root : projectDir()
}

export type Runtime = 'node' | 'deno' | 'bun'

/** The runtime the end-to-end tests run `chat` under: `CHAT_RUNTIME=node|deno|bun` (default node). */
export const runtime = (process.env.CHAT_RUNTIME ?? 'node') as Runtime

/** The command line that starts `chat` as a user of `runtime` would (the README's commands). */
export function chatCommand(which: Runtime = runtime): [string, string[]] {
  switch (which) {
    case 'node':
      return [process.execPath, [`${root}bin/chat.mjs`]]
    case 'deno':
      // deno.json's `chat` task, with reads and writes anywhere: tests keep their files in temporary folders.
      return [
        `${root}node_modules/.bin/deno`,
        [
          'run',
          '--unstable-net',
          '--allow-net',
          '--allow-read',
          '--allow-write',
          '--allow-env',
          '--allow-sys=networkInterfaces',
          `${root}cli/bin.ts`,
        ],
      ]
    case 'bun':
      return [`${root}node_modules/.bin/bun`, [`${root}cli/bin.ts`]]
  }
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** A spawned `chat`, with ways to wait for what it prints. */
export interface ChatProcess {
  readonly child: ChildProcessWithoutNullStreams
  readonly stdout: string[]
  readonly stderr: string[]
  /** Resolves with the first stdout line (or stderr line with `stream: 'stderr'`) that matches. */
  waitFor(
    match: RegExp | ((line: string) => boolean),
    options?: { stream?: 'stdout' | 'stderr'; timeout?: number },
  ): Promise<string>
  /** The next `--json` event of a kind (after those already taken), the first that passes `match` if given. */
  event(
    name: string,
    options?: { timeout?: number; match?: (event: Record<string, any>) => boolean },
  ): Promise<Record<string, any>>
  /** The `listening` event's port (needs `--json`). */
  port(): Promise<number>
  write(line: string): void
  end(): void
  kill(signal?: NodeJS.Signals): void
  exited: Promise<Exit>
}

const running = new Set<ChatProcess>()
// A test that timed out may leave a chat running; the worker takes them all down when it exits.
process.on('exit', () => {
  for (const chat of running) chat.child.kill('SIGKILL')
})

/** Starts `chat ARGS...` (in `options.cwd`, or see `defaultCwd`). Every process still running when the test file ends is killed (see `stopAll`). */
export function startChat(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; runtime?: Runtime; command?: [string, string[]] } = {},
): ChatProcess {
  const [command, prefix] = options.command ?? chatCommand(options.runtime)
  const child = spawn(command, [...prefix, ...args], {
    cwd: options.cwd ?? defaultCwd(args),
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: 'pipe',
  })
  const stdout: string[] = []
  const stderr: string[] = []
  const waiters = new Set<() => void>()
  const taken = new Map<string, number>()
  const collect = (into: string[]) => {
    let partial = ''
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n')
      partial = parts.pop()!
      into.push(...parts)
      for (const wake of waiters) wake()
    }
  }
  child.stdout.on('data', collect(stdout))
  child.stderr.on('data', collect(stderr))
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(handle)
      for (const wake of waiters) wake()
      resolve({ code, signal, stdout: stdout.join('\n'), stderr: stderr.join('\n') })
    })
  })
  let done = false
  void exited.then(() => (done = true))

  function waitFor(
    match: RegExp | ((line: string) => boolean),
    {
      stream = 'stdout',
      timeout = 10_000,
      from = 0,
    }: { stream?: 'stdout' | 'stderr'; timeout?: number; from?: number } = {},
  ): Promise<string> {
    const test = typeof match === 'function' ? match : (line: string) => match.test(line)
    const lines = stream === 'stdout' ? stdout : stderr
    return new Promise((resolve, reject) => {
      let index = from
      const check = () => {
        for (; index < lines.length; index++) {
          if (test(lines[index]!)) {
            cleanup()
            return resolve(lines[index]!)
          }
        }
        if (done) {
          cleanup()
          reject(
            new Error(
              `chat exited before printing ${match} on ${stream}\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
            ),
          )
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(
          new Error(
            `timed out after ${timeout} ms waiting for ${match} on ${stream}\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
          ),
        )
      }, timeout)
      const cleanup = () => {
        clearTimeout(timer)
        waiters.delete(check)
      }
      waiters.add(check)
      check()
    })
  }

  const handle: ChatProcess = {
    child,
    stdout,
    stderr,
    waitFor: (match, options) => waitFor(match, options),
    async event(name, options) {
      const from = taken.get(name) ?? 0
      const match = options?.match ?? (() => true)
      const line = await waitFor(
        (l) => {
          if (!l.startsWith('{')) return false
          const event = JSON.parse(l)
          return event.event === name && match(event)
        },
        { timeout: options?.timeout, from },
      )
      taken.set(name, stdout.indexOf(line, from) + 1)
      return JSON.parse(line)
    },
    async port() {
      const line = await waitFor((l) => l.startsWith('{') && JSON.parse(l).event === 'listening')
      return JSON.parse(line).port as number
    },
    write: (line) => void child.stdin.write(line + '\n'),
    end: () => void child.stdin.end(),
    kill: (signal = 'SIGTERM') => void child.kill(signal),
    exited,
  }
  running.add(handle)
  return handle
}

/** Runs `chat ARGS...` to the end. */
export function runChat(
  args: string[],
  options: {
    cwd?: string
    env?: NodeJS.ProcessEnv
    input?: string
    runtime?: Runtime
    command?: [string, string[]]
  } = {},
): Promise<Exit> {
  const chat = startChat(args, options)
  if (options.input !== undefined) chat.child.stdin.end(options.input)
  else chat.end()
  return chat.exited
}

/** Kills whatever a test left running; use in `afterEach`. */
export async function stopAll(): Promise<void> {
  const left = [...running]
  for (const chat of left) chat.kill('SIGKILL')
  await Promise.all(left.map((chat) => chat.exited))
}
