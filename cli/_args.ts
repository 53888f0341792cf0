import { parsePort } from '../core/address.ts'
import { ChatError } from '../core/errors.ts'
import { didYouMean } from '../core/suggest.ts'

/**
 * One command-line flag; its long name is its key in a command's table. The parser and the
 * `--help` text both read these tables, so a flag that is listed works and one that works is listed.
 */
export interface Flag {
  /** A one-letter alias: `p` for `-p`. */
  short?: string
  /** The value's name in the help (`PORT` in `--port PORT`); a flag without one is a switch. */
  value?: string
  /** One line for `--help`. */
  help: string
  /** Checks the value as written (and may convert it); throws `E_USAGE` naming `flag`. */
  parse?: (text: string, flag: string) => unknown
  /** Accepted but left out of `--help`: a flag kept working for scripts where the command has no use for it. */
  hidden?: boolean
}

export type Flags = Record<string, Flag>

/** What the parser hands a command: `parse`'s result, the text for a value flag, `true` for a switch. */
export type FlagValues<F extends Flags> = {
  [K in keyof F]?: F[K] extends { parse: (...args: any[]) => infer T }
    ? T
    : F[K] extends { value: string }
      ? string
      : boolean
}

/** A command: how it is called, what it does, and its table of flags (shared ones spread in). */
export interface CommandSpec<F extends Flags = Flags> {
  /** `listen`, or `chat` for the interactive chat (the command when none is named). */
  name: string
  /** Usage lines without `chat `: `listen [--once | --count N]`. */
  usage: string[]
  /** One line for the list of commands in `chat --help`. */
  summary: string
  /** Summaries of the usage lines after the first that the list of commands shows too (`chat --group`). */
  listed?: string[]
  /** Paragraphs after the usage. */
  about: string
  flags: F
  /** Text after the flags (the interactive chat's slash commands). */
  more?: string
}

/** Identity: keeps a command's flag table typed. */
export function defineCommand<F extends Flags>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec
}

const nonEmpty = (text: string, flag: string) => {
  if (text.trim() === '')
    throw new ChatError(
      'E_USAGE',
      `Expected ${flag} to be ${flag === '--host' ? 'an address' : 'a value'}, got nothing`,
    )
  return text
}

/** A whole number of 1 or more, or a usage error naming the flag. */
export function parseCount(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new ChatError('E_USAGE', `Expected ${flag} to be a whole number of 1 or more, got \`${text}\``)
  return Number(text)
}

/** Seconds above 0 (a blank text is Number 0: refused too). */
export function parseSeconds(text: string, flag: string): number {
  const n = Number(text)
  if (!Number.isFinite(n) || n <= 0)
    throw new ChatError('E_USAGE', `Expected ${flag} to be a number of seconds above 0, got \`${text}\``)
  return n
}

/** Every command reads a config. */
export const configFlags = {
  config: {
    short: 'c',
    value: 'FILE',
    help: 'config file (default: the first of ./chat.config.{ts,mts,js,mjs} present)',
    parse: nonEmpty,
  },
  encoding: {
    short: 'e',
    value: 'NAME',
    help: 'text encoding on the wire: utf-8, gbk, gb18030, big5, shift_jis, latin1...',
  },
} satisfies Flags

/** Commands that open a socket. */
export const socketFlags = {
  host: { value: 'HOST', help: "address to bind (default: the config's, else 0.0.0.0)", parse: nonEmpty },
  // The text is kept (the session reads it); parsing it here reports a bad port before the config loads.
  port: {
    short: 'p',
    value: 'PORT',
    help: 'port to bind; 0 = any free port',
    parse: (text, flag) => String(parsePort(text, flag)),
  },
} satisfies Flags

const parseTtl = (text: string, flag: string) => {
  if (!/^\d+$/.test(text) || Number(text) > 255)
    throw new ChatError('E_USAGE', `Expected ${flag} to be a TTL 0-255, got \`${text}\``)
  return Number(text)
}

/** Commands that can be a member of a multicast room. */
export const groupFlags = {
  group: {
    short: 'g',
    value: 'GROUP',
    help:
      'join the multicast room GROUP:PORT (239.1.2.3:5000) and talk to it; --port is then\n' +
      'the socket we send from (default: any free port)',
  },
  interface: {
    value: 'ADDR',
    help:
      'with --group: the interface (its address) to join on and send from\n' +
      "(default: the system's choice; 127.0.0.1 keeps the room on this machine)",
  },
  ttl: {
    value: 'N',
    help: 'with --group: how far our datagrams go, 0 = this machine, 1 = the LAN (default 1)',
    parse: parseTtl,
  },
  'no-loopback': { help: 'with --group: other members on this machine do not hear us' },
} satisfies Flags

/** How a command that runs a chat reports what happens. */
export const outputFlags = {
  json: {
    help:
      'one JSON object per line on stdout: listening, message, sent, drop, error,\n' +
      'status, guard, trace (--trace), watching and reload (--watch, /reload),\n' +
      'joined and relay (join)',
  },
  hex: { help: 'show each datagram as a hex dump with the ASCII beside it' },
  trace: { help: 'for each message, every hook that saw it: what it did, how long it took' },
  verbose: { help: 'more detail: sends, drops, stack traces' },
  quiet: { short: 'q', help: 'only messages and errors' },
} satisfies Flags

/** Commands that can swap their plugins while running. */
export const watchFlag = {
  watch: { short: 'w', help: 'reload the plugins when the config or a local file it imports changes' },
} satisfies Flags

export const helpFlag = { help: { short: 'h', help: 'this help' } } satisfies Flags

/** What every command that opens a chat takes: the config, the socket, the output, and --help. */
export const sessionFlags = { ...configFlags, ...socketFlags, ...outputFlags, ...helpFlag } satisfies Flags

/**
 * Parses a command's arguments against its table: `--name value`, `--name=value`, `-p value`,
 * `-p7000`, `-qv`; `--` ends the flags; `-` alone is a positional. A value flag takes the next
 * argument even when it starts with `-` (`--port -1` is a bad port, not a missing value),
 * unless it is a flag itself.
 * @throws ChatError `E_USAGE`, one line naming the flag
 */
export function parseFlags<F extends Flags>(
  spec: CommandSpec<F>,
  argv: readonly string[],
): { values: FlagValues<F>; positionals: string[] } {
  const { flags } = spec
  const values: Record<string, unknown> = {}
  const positionals: string[] = []
  const shorts = new Map(
    Object.entries(flags).flatMap(([name, flag]) => (flag.short ? [[flag.short, name] as const] : [])),
  )
  const isFlag = (arg: string) =>
    arg.startsWith('--') ? arg.slice(2).split('=')[0]! in flags : /^-[a-zA-Z]/.test(arg) && shorts.has(arg[1]!)
  const set = (name: string, shown: string, inline: string | undefined, next: () => string | undefined) => {
    const flag = flags[name]!
    if (flag.value === undefined) {
      if (inline !== undefined) throw usage(spec, `${shown} takes no value, got \`${inline}\``)
      values[name] = true
      return
    }
    const text = inline ?? next()
    if (text === undefined) throw usage(spec, `${shown} needs a value: ${shown} ${flag.value}`)
    values[name] = flag.parse ? flag.parse(text, shown) : text
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const next = () => {
      const value = argv[i + 1]
      if (value === undefined || isFlag(value)) return undefined
      i++
      return value
    }
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const [name, ...rest] = arg.slice(2).split('=')
      if (!(name! in flags))
        throw usage(spec, `Unknown option \`--${name}\`${didYouMean(name!, Object.keys(flags), (s) => `\`--${s}\``)}`)
      set(name!, `--${name}`, rest.length ? rest.join('=') : undefined, next)
    } else if (arg.length > 1 && arg.startsWith('-') && !/^-\d/.test(arg)) {
      // A group of switches (`-qv`); a value flag in it takes the rest of the group or the next argument.
      for (let j = 1; j < arg.length; j++) {
        const name = shorts.get(arg[j]!)
        if (name === undefined) throw usage(spec, `Unknown option \`-${arg[j]}\``)
        const rest =
          flags[name]!.value !== undefined && j + 1 < arg.length ? arg.slice(j + 1).replace(/^=/, '') : undefined
        set(name, `-${arg[j]}`, rest, next)
        if (rest !== undefined) break
      }
    } else {
      positionals.push(arg)
    }
  }
  return { values: values as FlagValues<F>, positionals }
}

/** For a command that takes no arguments: a stray word is refused, not ignored. */
export function refuseArguments(spec: CommandSpec, positionals: readonly string[]): void {
  if (positionals.length)
    throw new ChatError('E_USAGE', `Unexpected \`${positionals.join(' ')}\`: chat ${spec.name} takes no arguments`)
}

function usage(spec: CommandSpec, message: string): ChatError {
  return new ChatError(
    'E_USAGE',
    `${message} (${spec.name === 'chat' ? 'chat' : `chat ${spec.name}`} --help lists the options)`,
  )
}

/** `  -p, --port PORT       port to bind`: the flags of a table, one line each. */
export function formatFlags(flags: Flags): string {
  return Object.entries(flags)
    .filter(([, flag]) => !flag.hidden)
    .map(([name, flag]) => {
      const left = `${flag.short ? `-${flag.short}, ` : '    '}--${name}${flag.value ? ` ${flag.value}` : ''}`
      return `  ${left.padEnd(20)}  ${flag.help.replaceAll('\n', `\n${' '.repeat(24)}`)}`
    })
    .join('\n')
}

/** A command's `--help`: usage, what it does, its flags. */
export function formatHelp(spec: CommandSpec): string {
  const [first, ...others] = spec.usage.map((line) => `chat ${line}`.replace(/^chat chat\b/, 'chat'))
  const usageText = [`Usage: ${first}`, ...others.map((line) => `       ${line}`)].join('\n')
  const more = spec.more ? `\n${spec.more}\n` : ''
  return `${usageText}\n\n${spec.about}\n${more}\nOptions (before or after the command):\n${formatFlags(spec.flags)}`
}
