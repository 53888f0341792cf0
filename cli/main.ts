import { format } from 'node:util'
import { ChatError, describeError, isChatError } from '../core/errors.ts'
import { didYouMean } from '../core/suggest.ts'
import { formatFlags, formatHelp, type CommandSpec } from './_args.ts'
import { chat, spec as chatSpec } from './commands/chat.ts'
import { join, spec as joinSpec } from './commands/join.ts'
import { listen, spec as listenSpec } from './commands/listen.ts'
import { plugins, spec as pluginsSpec } from './commands/plugins.ts'
import { send, spec as sendSpec } from './commands/send.ts'
import { serve, spec as serveSpec } from './commands/serve.ts'
import { version } from './_version.ts'
import { writeLine, type Cli, type Io } from './_io.ts'
import { createSignals } from './_signals.ts'

type Run = (argv: string[], cli: Cli) => Promise<number>

/** Every command with its flag table; `chat` itself runs when no other is named. */
const commands: Array<[CommandSpec, Run]> = [
  [chatSpec, chat],
  [sendSpec, send],
  [listenSpec, listen],
  [serveSpec, serve],
  [joinSpec, join],
  [pluginsSpec, plugins],
]

/** `chat --help`: the commands, then the interactive chat's own help. */
export function usage(): string {
  const lines = commands.flatMap(([spec]) =>
    [spec.summary, ...(spec.listed ?? [])].map(
      (summary, i) => [`chat ${spec.usage[i]!}`.replace(/^chat chat\b/, 'chat'), summary] as const,
    ),
  )
  const width = Math.max(...lines.map(([left]) => left.length))
  const { more, flags } = chatSpec
  return `chat ${version}: a scriptable UDP chat

Usage:
${lines.map(([left, summary]) => `  ${left.padEnd(width)}  ${summary}`).join('\n')}

TARGET is a contact name from the config's \`peers\`, HOST:PORT, or a bare PORT (127.0.0.1).
\`chat COMMAND --help\` tells more; options go before or after the command.

${more}

Options of the interactive chat (each command's --help lists its own):
${formatFlags(flags)}`
}

/**
 * The command named in `argv` and the arguments left for it: the first argument that is not a
 * flag or a flag's value, so that options may come before the command (`chat --config x plugins`).
 */
export function findCommand(argv: readonly string[]): { spec: CommandSpec; run: Run; rest: string[] } {
  const takesValue = new Set<string>()
  const known = new Set<string>()
  for (const [spec] of commands) {
    for (const [name, flag] of Object.entries(spec.flags)) {
      known.add(`--${name}`)
      if (flag.short) known.add(`-${flag.short}`)
      if (flag.value === undefined) continue
      takesValue.add(`--${name}`)
      if (flag.short) takesValue.add(`-${flag.short}`)
    }
  }
  let unknownOption = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--') break
    if (arg.startsWith('-') && arg !== '-') {
      if (!isKnown(arg, known, takesValue)) unknownOption = true
      // `--port 7000`, `-p 7000`, `-qp 7000`: the next argument is the value; `--port=7000`, `-p7000` hold it.
      if (!arg.includes('=') && (takesValue.has(arg) || (!arg.startsWith('--') && takesValue.has(`-${arg.at(-1)}`))))
        i++
      continue
    }
    const found = commands.find(([spec]) => spec.name === arg && spec !== chatSpec)
    if (found) return { spec: found[0], run: found[1], rest: [...argv.slice(0, i), ...argv.slice(i + 1)] }
    // `chat --prot 1`: an option no command knows may have meant this word as its value, so
    // the option is the mistake to name; the chat's own parser names it (and its likely spelling).
    if (unknownOption) break
    // The interactive chat takes no positionals: this was meant as a command.
    const names = commands.map(([spec]) => spec.name).filter((name) => name !== 'chat')
    throw new ChatError(
      'E_USAGE',
      `Unknown command \`${arg}\`${didYouMean(arg, names)} (chat --help lists the commands)`,
    )
  }
  return { spec: chatSpec, run: chat, rest: [...argv] }
}

/** Whether some command knows this option: `--port`, `--port=1`, `-p`, `-qp`, `-p7000`. */
function isKnown(arg: string, known: Set<string>, takesValue: Set<string>): boolean {
  if (arg.startsWith('--')) return known.has(arg.split('=')[0]!)
  for (const letter of arg.slice(1)) {
    if (!known.has(`-${letter}`)) return false
    if (takesValue.has(`-${letter}`)) return true
  }
  return true
}

/**
 * Runs the command line `chat ARGV...` with this io (`processIo()` for the real command; a test's
 * streams to run one in the test's own process). Resolves to the exit status: 0 done, 1 runtime
 * failure, 2 usage or config error, 130 on a second signal.
 */
export function run(argv: string[], io: Io): Promise<number> {
  let exited: (code: number) => void = () => {}
  const exit = new Promise<number>((resolve) => (exited = resolve))
  const signals = createSignals(io, (code) => {
    io.exit?.(code)
    exited(code)
  })
  return Promise.race([main(argv, { io, signals }), exit])
}

async function main(argv: string[], cli: Cli): Promise<number> {
  const { stdout, stderr } = cli.io
  const [first] = argv
  if (first === 'help' || ((first === '--help' || first === '-h') && argv.length === 1))
    return (void writeLine(stdout, usage()), 0)
  const verbose = argv.includes('--verbose')
  try {
    const { spec, run, rest } = findCommand(argv)
    // --help wins over whatever else is on the line, a mistake included: the help is what was asked.
    if (asksHelp(rest)) return (void writeLine(stdout, spec === chatSpec ? usage() : formatHelp(spec)), 0)
    return await run(rest, cli)
  } catch (error) {
    if (isChatError(error)) {
      // A config with several problems has one line each: each line says whose it is.
      writeLine(stderr, error.message.replace(/^/gm, 'chat: '))
      if (verbose && error.cause instanceof Error && error.cause.stack) writeLine(stderr, error.cause.stack)
      return error.code === 'E_CONFIG' || error.code === 'E_USAGE' || error.code === 'E_TARGET' ? 2 : 1
    }
    // A permission the runtime was not granted (NotCapable): its message names the flag to add.
    if (error instanceof Error && error.name === 'NotCapable')
      return (void writeLine(stderr, `chat: ${describeError(error)}`), 2)
    writeLine(stderr, `chat: internal error: ${describeError(error)} (this is a bug; please report it)`)
    writeLine(stderr, error instanceof Error ? String(error.stack) : format(error))
    return 1
  }
}

/** `--help` or `-h` among the flags (not after `--`, where everything is text). */
function asksHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h')
}
