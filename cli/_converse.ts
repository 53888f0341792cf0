import { readLines } from './_lines.ts'
import type { Output } from './_output.ts'
import type { Session } from './_session.ts'
import { slashRouter } from './_slash.ts'

export interface ConverseOptions {
  /** A terminal on both ends: a prompt, lines printed above it. */
  interactive: boolean
  /** With piped stdin: how long to keep receiving after it ends, in ms. */
  linger: number
  /** The slash commands the command handles itself; any other `/name` goes out as text. */
  own: readonly string[]
  /** One of `own`; resolve to `true` to leave. */
  command(name: string, arg: string): Promise<boolean | void> | boolean | void
  /** Sends a typed line (`//text` arrives as `/text`). */
  say(line: string): Promise<void>
  /** The prompt to show now. */
  prompt(): string
  /** Ends the conversation from outside, as stdin ending would (join: the relay said Bye!). */
  until?: Promise<unknown>
}

/** What `converse` hands back while it runs: the prompt can change (`/to`, the first to write). */
export interface Conversation {
  /** Shows `prompt()` again. */
  refresh(): void
  /** Resolves when the conversation is over: stdin ended (after `linger`), `/quit`, a signal, or `until`. */
  readonly over: Promise<void>
}

/**
 * The typed-lines loop that `chat` and `join` share: reads lines, routes `/commands`, sends the
 * rest, and at the end lets the last lines leave (and replies arrive, for `linger` ms).
 */
export function converse(output: Output, session: Session, options: ConverseOptions): Conversation {
  const route = slashRouter(output, options.own)
  const reader = readLines(output, options.interactive, {
    command(name, arg, line) {
      const how = route(name)
      if (how === 'text') return options.say(line)
      if (how === 'own') return options.command(name, arg)
    },
    text: options.say,
  })
  const refresh = () => reader.setPrompt(options.prompt())
  refresh()
  const until = options.until ?? new Promise<never>(() => {})
  const over = (async () => {
    const ended = await Promise.race([
      reader.stopped.then(() => 'eof' as const),
      session.signal,
      until.then(() => 'until' as const),
    ])
    await reader.drain()
    // Lingering is for replies to what was piped in; a signal (now or meanwhile) ends it.
    const piped = ended === 'eof' && !options.interactive && !reader.quit
    if (piped && options.linger > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        new Promise((resolve) => (timer = setTimeout(resolve, options.linger))),
        until,
        session.signal,
      ])
      clearTimeout(timer)
    }
    reader.close()
  })()
  return { refresh, over }
}
