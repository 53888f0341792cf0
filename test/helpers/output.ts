import { EventEmitter } from 'node:events'
import { PassThrough, Writable } from 'node:stream'
import type { Io } from '../../cli/_io.ts'
import { createOutput, type Output, type OutputOptions } from '../../cli/_output.ts'
import { createSignals } from '../../cli/_signals.ts'

/** An Output over captured streams, as a command makes it, for testing the CLI's parts alone. */
export function outputIn(
  cwd: string,
  options: OutputOptions = {},
): { output: Output; text: { stdout: string; stderr: string }; events: () => any[] } {
  const text = { stdout: '', stderr: '' }
  const sink = (name: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, done) {
        text[name] += String(chunk)
        done()
      },
    })
  const io: Io = {
    stdin: new PassThrough(),
    stdout: sink('stdout'),
    stderr: sink('stderr'),
    env: {},
    cwd,
    signals: new EventEmitter(),
  }
  const output = createOutput(options, { io, signals: createSignals(io, () => {}) })
  const events = () =>
    text.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
  return { output, text, events }
}
