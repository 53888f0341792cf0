#!/usr/bin/env node
import { setTimeout } from 'node:timers'
import { processIo } from './_io.ts'
import { run } from './main.ts'

// A reader that went away (`chat listen | head -1`) ends the command quietly, as it does for cat.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})

/** Resolves once everything written to the stream so far has left (a pipe takes it asynchronously). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve()
  return new Promise((resolve) => {
    stream.write('', () => resolve())
    stream.once('error', () => resolve())
    // A reader that stopped reading must not keep the command from ending.
    setTimeout(resolve, 2000).unref()
  })
}

// Exit explicitly: a plugin's stray timer must not keep a finished command alive. But not before
// stdout and stderr have taken every line: `--json` events written to a pipe would be cut off.
run(process.argv.slice(2), processIo()).then(async (code) => {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)])
  process.exit(code)
})
