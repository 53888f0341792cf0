import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { LoadCommand, LoadResult } from './_load.ts'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const bench = fileURLToPath(new URL('.', import.meta.url))
const bin = (name: string) => `${root}node_modules/.bin/${name}`
const jiti = `${root}node_modules/jiti/lib/jiti-cli.mjs`

export type Runtime = 'node' | 'deno' | 'bun'

/** Whether `python3` runs here: the Python echo and the relay's members need it. */
export const havePython = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0
export const NO_PYTHON = 'python3 not found'

/** The command line that runs a TypeScript file of bench/ on a runtime. */
export function script(
  runtime: Runtime,
  file: string,
  args: string[] = [],
  nodeFlags: string[] = [],
): [string, string[]] {
  const path = `${bench}${file}`
  if (runtime === 'deno') return [bin('deno'), ['run', '-A', '--unstable-net', path, ...args]]
  if (runtime === 'bun') return [bin('bun'), [path, ...args]]
  return [process.execPath, [...nodeFlags, jiti, path, ...args]]
}

/**
 * The `chat` command on a runtime, as a user runs it. Deno gets `--unstable-net` (its adapter
 * then uses Deno.listenDatagram) unless `denoNodeDgram` asks for the node:dgram fallback
 * (bench/configs/deno-node-dgram.json: the project's deno.json without `unstable: ["net"]`).
 */
export function chat(
  runtime: Runtime,
  args: string[],
  nodeFlags: string[] = [],
  denoNodeDgram = false,
): [string, string[]] {
  // The project's deno.json turns unstable net on; a config without it leaves node:dgram.
  const denoFlags = denoNodeDgram ? ['--config', `${bench}configs/deno-node-dgram.json`] : ['--unstable-net']
  if (runtime === 'deno') return [bin('deno'), ['run', '-A', ...denoFlags, `${root}cli/bin.ts`, ...args]]
  if (runtime === 'bun') return [bin('bun'), [`${root}cli/bin.ts`, ...args]]
  return [process.execPath, [...nodeFlags, `${root}bin/chat.mjs`, ...args]]
}

export interface Server {
  readonly port: number
  readonly child: ChildProcess
  /** Everything it wrote to stderr so far (for error messages). */
  stderr(): string
  stop(): Promise<void>
}

const LISTENING = /listening on 127\.0\.0\.1:(\d+)/
const STOP_MS = 3000

/**
 * Starts a server and resolves once it listens: a `{"event":"listening","port":N}` line on
 * stdout, or chat's `listening on 127.0.0.1:N` on stderr.
 */
export function startServer(
  [command, args]: [string, string[]],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<Server> {
  const child = spawn(command, args, {
    cwd: options.cwd ?? root,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let errors = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`no "listening" within ${options.timeoutMs ?? 20_000} ms`)),
      options.timeoutMs ?? 20_000,
    )
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${errors.slice(-2000)}`))
    }
    const found = (port: number) => {
      clearTimeout(timer)
      child.off('exit', onExit)
      const exited = new Promise<void>((done) => child.once('exit', () => done()))
      resolve({
        port,
        child,
        stderr: () => errors,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return
          child.kill('SIGTERM')
          const killer = setTimeout(() => child.kill('SIGKILL'), STOP_MS)
          await exited
          clearTimeout(killer)
        },
      })
    }
    const onExit = (code: number | null) => fail(new Error(`exited (${code}) before listening`))
    child.once('exit', onExit)
    child.once('error', fail)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return
      const event = JSON.parse(line) as { event?: string; port?: number }
      if (event.event === 'listening' && typeof event.port === 'number') found(event.port)
    })
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (errors.length < 100_000) errors += chunk
      const match = LISTENING.exec(chunk)
      if (match) found(Number(match[1]))
    })
  })
}

/** The load generator process (bench/_load.ts), one command at a time. */
export interface Load {
  run(command: LoadCommand): Promise<LoadResult>
  close(): Promise<void>
}

export function startLoad(): Load {
  const [command, args] = script('node', '_load.ts')
  const child = spawn(command, args, { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting: Array<(result: LoadResult) => void> = []
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.(JSON.parse(line) as LoadResult))
  return {
    run(cmd) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the load generator did not answer')),
          cmd.warmupMs + cmd.durationMs + 20_000,
        )
        waiting.push((result) => (clearTimeout(timer), resolve(result)))
        child.stdin!.write(JSON.stringify(cmd) + '\n')
      })
    },
    close() {
      child.stdin!.end()
      return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())))
    },
  }
}

/** Runs a command to its end; resolves with its wall time in ms and its output. */
export function timed(
  [command, args]: [string, string[]],
  options: { cwd?: string } = {},
): Promise<{ ms: number; code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const began = performance.now()
    const child = spawn(command, args, { cwd: options.cwd ?? root, stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.once('error', reject)
    child.once('close', (code) => resolve({ ms: performance.now() - began, code, stdout }))
  })
}

/** CPU time (user + system, ms) of a process and its descendants so far; NaN without /proc. */
export function cpuMs(pid: number): number {
  try {
    const stats = new Map<number, { ppid: number; ticks: number }>()
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        // The fields after the command name, which may itself hold spaces and parentheses.
        const text = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
        stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) })
      } catch {
        // gone meanwhile
      }
    }
    let ticks = 0
    const queue = [pid]
    while (queue.length) {
      const current = queue.pop()!
      ticks += stats.get(current)?.ticks ?? 0
      for (const [child, stat] of stats) if (stat.ppid === current) queue.push(child)
    }
    return ticks * 10 // USER_HZ is 100 on Linux
  } catch {
    return NaN
  }
}

/** One benchmark client sends far past the default per-source limits: they are lifted (and still checked per datagram). */
export const LIFTED = 'limits: { perSource: { rate: 1e9 }, answers: { rate: 1e9 } },'
