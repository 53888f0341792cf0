import { EventEmitter } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { afterEach } from 'vitest'
import { run } from '../../cli/main.ts'
import type { Io } from '../../cli/_io.ts'
import { root, tempDir } from './chat-process.ts'
import { endRunning, running } from './running.ts'
import { plainSocket, type PlainSocket } from './udp.ts'

/**
 * `chat` run in the test's own process (cli/main.ts `run`), with fake stdin/stdout/stderr and
 * signals: the same command as the spawned one, but fast, and visible to coverage and to mutation
 * testing. The end-to-end tests (test/cli) keep proving the real process.
 */
export interface InProc {
  readonly stdout: string[]
  readonly stderr: string[]
  /** Resolves with the first stdout line (or stderr line with `stream: 'stderr'`) that matches (a string: equals). */
  waitFor(
    match: string | RegExp | ((line: string) => boolean),
    options?: { stream?: 'stdout' | 'stderr' },
  ): Promise<string>
  /** Resolves once all written to stdout (or stderr) so far contains `text` (or matches it), a line or not (a prompt). */
  waitForText(text: string | RegExp, options?: { stream?: 'stdout' | 'stderr' }): Promise<void>
  /** The next `--json` event of a kind (after those already taken), the first that passes `match` if given. */
  event(name: string, match?: (event: Record<string, any>) => boolean): Promise<Record<string, any>>
  /** The `listening` event's port (needs `--json`). */
  port(): Promise<number>
  write(line: string): void
  /** Stdin itself, to write what is not a line (`\x04`, Ctrl-D on a terminal). */
  readonly stdin: PassThrough
  end(): void
  /** Delivers SIGINT or SIGTERM to the run. */
  kill(signal?: 'SIGINT' | 'SIGTERM'): void
  /** The exit code, and all that was printed (exactly). */
  readonly exited: Promise<{ code: number; stdout: string; stderr: string }>
}

export interface InProcOptions {
  /** Default: a fresh empty folder (no chat.config.ts). */
  cwd?: string
  /** Default: none (so no colour). */
  env?: Record<string, string>
  /** Make stdin and stdout (or just one, or with `all` stderr too) say they are a terminal. */
  tty?: boolean | 'stdin' | 'stdout' | 'all'
  /** All of stdin at once (then it ends); default: open until `end()`. */
  input?: string
  /** Called as the process's exit would be (a second signal); the run resolves with the code either way. */
  exit?: (code: number) => void
}

// each-file.ts registers it too where test files share modules (see cleanup.ts).
afterEach(endRunning)

/** A stream that keeps what is written, as lines, and says when more came. */
function capture(lines: string[], onLine: () => void, isTTY: boolean): Writable & { isTTY?: boolean; text: string } {
  let partial = ''
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      captured.text += chunk.toString()
      const parts = (partial + chunk.toString()).split('\n')
      partial = parts.pop()!
      lines.push(...parts)
      onLine()
      done()
    },
  })
  const captured = Object.assign(stream, { isTTY, columns: 80, rows: 24, text: '' })
  return captured
}

/** Starts `chat ARGS...` in this process. */
export function startInProc(args: string[], options: InProcOptions = {}): InProc {
  const stdout: string[] = []
  const stderr: string[] = []
  const waiters = new Set<() => void>()
  const wake = () => {
    for (const waiter of waiters) waiter()
  }
  const tty = (stream: 'stdin' | 'stdout') => options.tty === true || options.tty === 'all' || options.tty === stream
  const stdin = Object.assign(new PassThrough(), { isTTY: tty('stdin') })
  const signals = new EventEmitter()
  const out = capture(stdout, wake, tty('stdout'))
  const err = capture(stderr, wake, options.tty === 'all')
  const io: Io = {
    stdin,
    stdout: out,
    stderr: err,
    env: options.env ?? {},
    cwd: options.cwd ?? tempDir('udpchat-inproc-'),
    signals,
    exit: options.exit,
  }
  if (options.input !== undefined) stdin.end(options.input)
  let done = false
  const exited = run(args, io).then((code) => {
    done = true
    running.delete(handle)
    wake()
    return { code, stdout: out.text, stderr: err.text }
  })
  const taken = new Map<string, number>()

  function waitFor(
    match: string | RegExp | ((line: string) => boolean),
    { stream = 'stdout', from = 0 }: { stream?: 'stdout' | 'stderr'; from?: number } = {},
  ): Promise<string> {
    const test =
      typeof match === 'function'
        ? match
        : typeof match === 'string'
          ? (line: string) => line === match
          : (line: string) => match.test(line)
    const lines = stream === 'stdout' ? stdout : stderr
    // Made here, so that a failure names the line of the test that waited. No time-out of its
    // own: the test's shows what was printed through this error.
    const error = new Error(`chat ended before printing ${match} on ${stream}`)
    return new Promise((resolve, reject) => {
      let index = from
      const check = () => {
        for (; index < lines.length; index++) {
          if (test(lines[index]!)) {
            waiters.delete(check)
            return resolve(lines[index]!)
          }
        }
        if (done) {
          waiters.delete(check)
          error.message += `\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`
          reject(error)
        }
      }
      waiters.add(check)
      check()
    })
  }

  async function waitForText(text: string | RegExp, { stream = 'stdout' }: { stream?: 'stdout' | 'stderr' } = {}) {
    const captured = stream === 'stdout' ? out : err
    const error = new Error(
      `chat ended before printing ${typeof text === 'string' ? JSON.stringify(text) : text} on ${stream}`,
    )
    const found = typeof text === 'string' ? () => captured.text.includes(text) : () => text.test(captured.text)
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (found()) return (waiters.delete(check), resolve())
        if (done) waiters.delete(check), reject(error)
      }
      waiters.add(check)
      check()
    })
  }

  const handle: InProc = {
    waitForText,
    stdout,
    stderr,
    waitFor: (match, options) => waitFor(match, options),
    async event(name, match = () => true) {
      const from = taken.get(name) ?? 0
      const line = await waitFor(
        (l) => {
          if (!l.startsWith('{')) return false
          const event = JSON.parse(l)
          return event.event === name && match(event)
        },
        { from },
      )
      taken.set(name, stdout.indexOf(line, from) + 1)
      return JSON.parse(line)
    },
    async port() {
      const line = await waitFor((l) => l.startsWith('{') && JSON.parse(l).event === 'listening')
      return JSON.parse(line).port as number
    },
    write: (line) => void stdin.write(`${line}\n`),
    stdin,
    end: () => void stdin.end(),
    kill: (signal = 'SIGTERM') => void signals.emit(signal, signal),
    exited,
  }
  running.add(handle)
  return handle
}

/** Runs `chat ARGS...` in this process to the end (stdin empty unless `input` says). */
export function runInProc(args: string[], options: InProcOptions = {}) {
  return startInProc(args, { input: '', ...options }).exited
}

/**
 * Runs `chat ARGS...` in this process with a stdout whose every write throws `error` (what no
 * command expects: a refused permission, a broken stream); resolves with the exit code and stderr.
 */
export async function runWithFailingStdout(args: string[], error: Error): Promise<{ code: number; stderr: string }> {
  let stderr = ''
  const code = await run(args, {
    stdin: new PassThrough(),
    stdout: Object.assign(new PassThrough(), {
      write(): boolean {
        throw error
      },
    }),
    stderr: new Writable({
      write(chunk, _encoding, done) {
        stderr += String(chunk)
        done()
      },
    }),
    env: {},
    cwd: tempDir(),
    signals: new EventEmitter(),
  })
  return { code, stderr }
}

/**
 * A config file in a fresh folder: `source` with `@/` standing for the repository's root (so
 * `import { relay } from '@/plugins/index.ts'`). Returns the file's path.
 */
export function writeConfig(source: string, name = 'chat.config.ts'): string {
  const file = join(tempDir('udpchat-inproc-config-'), name)
  writeFileSync(file, source.replaceAll("from '@/", `from '${root}`))
  return file
}

/** Flags that bind the chat to a free port on loopback. */
export const local = ['--host', '127.0.0.1', '--port', '0']

/** Plain UDP sockets for one test file's tests, each closed after its test. Call at the top of the file. */
export function usePeers(): () => Promise<PlainSocket> {
  const sockets: PlainSocket[] = []
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()))
  })
  return async () => {
    const socket = await plainSocket()
    sockets.push(socket)
    return socket
  }
}
