#!/usr/bin/env node
import { setTimeout } from 'node:timers'

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
const code = await start()
await Promise.all([flushed(process.stdout), flushed(process.stderr)])
process.exit(code)

/**
 * Runs the command. Its modules load here rather than as imports of this file: Deno without
 * `--allow-env` refuses the terminal's variables that consola reads as it loads, and that refusal
 * names the flag to add in one line, as a refusal later on does (cli/main.ts), not as a crash.
 */
async function start(): Promise<number> {
  let modules: [typeof import('./main.ts'), typeof import('./_io.ts')]
  try {
    modules = await Promise.all([import('./main.ts'), import('./_io.ts')])
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'NotCapable') throw error
    process.stderr.write(`chat: ${error.message}\n`)
    return 2
  }
  const [{ run }, { processIo }] = modules
  return run(process.argv.slice(2), processIo())
}
