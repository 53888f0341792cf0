import { createInterface } from 'node:readline'
import type { Output } from './_output.ts'

/** What a line-driven command does with what is typed. */
export interface LineHandlers {
  /** `/name arg` (`line` as typed); resolve to `true` to leave. */
  command(name: string, arg: string, line: string): Promise<boolean | void> | boolean | void
  /** Any other line (`//text` arrives as `/text`). */
  text(line: string): Promise<void>
}

/** Typed or piped lines, handled one at a time, in order. */
export interface LineReader {
  /** Resolves when stdin ends, a command asks to leave, or Ctrl-C is pressed at the prompt. */
  readonly stopped: Promise<void>
  /** True once a command asked to leave (as opposed to stdin ending). */
  readonly quit: boolean
  setPrompt(text: string): void
  /** Waits until every line read so far has been handled. */
  drain(): Promise<void>
  /** Stops reading; leaves the terminal on a fresh line (once: the conversation's end calls it). */
  close(): void
}

/**
 * Reads stdin line by line. On a terminal it shows a prompt and makes every later output line
 * (messages and logs alike) print above it, redrawing whatever was being typed.
 */
export function readLines(output: Output, interactive: boolean, on: LineHandlers): LineReader {
  const { stdin, stdout } = output.io
  const rl = createInterface({
    input: stdin,
    output: interactive ? stdout : undefined,
    terminal: interactive,
    crlfDelay: Infinity,
  })
  if (interactive) output.usePrompt({ clear: () => stdout.write('\r\x1b[2K'), redraw: () => rl.prompt(true) })
  let quit = false
  let queue = Promise.resolve()
  const stopped = new Promise<void>((resolve) => {
    rl.on('close', resolve)
    rl.on('SIGINT', () => rl.close())
  })

  async function handle(line: string): Promise<void> {
    // Lines read in the same chunk as a /quit were queued before it ran: they are not sent.
    if (quit) return
    if (line.startsWith('/') && !line.startsWith('//')) {
      const [name = '', ...rest] = line.slice(1).trim().split(/\s+/)
      if (await on.command(name, rest.join(' '), line)) {
        quit = true
        return rl.close()
      }
    } else if (line.length > 0 || !interactive) {
      await on.text(line.startsWith('//') ? line.slice(1) : line)
    }
    if (interactive) rl.prompt()
  }
  rl.on('line', (line) => (queue = queue.then(() => handle(line))))

  return {
    stopped,
    get quit() {
      return quit
    },
    setPrompt(text) {
      rl.setPrompt(text)
      if (interactive) rl.prompt(true)
    },
    drain: () => queue,
    close() {
      output.usePrompt(undefined)
      rl.close()
      if (interactive) stdout.write('\n')
    },
  }
}
