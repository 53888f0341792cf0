import type { Readable, Writable } from 'node:stream'
import type { Signals } from './_signals.ts'

/** A stream a command writes to; `isTTY` says whether it is a terminal (escaping, colour, prompt). */
export type OutStream = Writable & { isTTY?: boolean }
/** Where typed or piped lines come from. */
export type InStream = Readable & { isTTY?: boolean }

/** Where SIGINT and SIGTERM come from: `process`, or an EventEmitter a test emits them on. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown
}

/**
 * Everything a command touches of the world around it. `chat` passes the process's own
 * (`processIo`); a test passes streams and an emitter, and runs a command in its own process.
 */
export interface Io {
  stdin: InStream
  /** Messages, `--json` events, help. */
  stdout: OutStream
  /** Logs and errors. */
  stderr: OutStream
  /** Read for NO_COLOR, FORCE_COLOR and TERM. */
  env: Readonly<Record<string, string | undefined>>
  /** Where a relative `--config` and the default `chat.config.*` are looked for. */
  cwd: string
  signals: SignalSource
  /**
   * Ends the process at once with this code (a second signal). The run resolves with the code
   * whether or not this is given, so a test sees it without a process to end.
   */
  exit?(code: number): void
}

/** The process's own streams, environment, folder and signals. */
export function processIo(): Io {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signals: process,
    exit: (code) => process.exit(code),
  }
}

/** One run of the command line: its io, and the signals it catches. */
export interface Cli {
  readonly io: Io
  readonly signals: Signals
}

/** Writes a line of text (help, a list) to a stream. */
export function writeLine(stream: OutStream, text: string): void {
  stream.write(`${text}\n`)
}
