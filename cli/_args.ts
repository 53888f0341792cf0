import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ChatError } from '../core/index.ts'

type Options = NonNullable<ParseArgsConfig['options']>

/** Flags every command takes. */
export const commonOptions = {
  config: { type: 'string', short: 'c' },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  encoding: { type: 'string', short: 'e' },
  json: { type: 'boolean' },
  trace: { type: 'boolean' },
  verbose: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options

export const commonHelp = `Options:
  -c, --config FILE     config file (default: ./chat.config.ts if present)
      --host HOST       address to bind (default: the config's, else 0.0.0.0)
  -p, --port PORT       port to bind; 0 = any free port
  -e, --encoding NAME   text encoding on the wire: utf-8, gbk, gb18030, big5, shift_jis, latin1...
      --json            one JSON object per line on stdout: listening, message, sent, drop, error
      --trace           for each message, every hook that saw it: what it did, how long it took
      --verbose         more detail: sends, drops, stack traces
  -q, --quiet           only messages and errors
  -h, --help            this help`

/** `parseArgs` with errors a user can act on (exit 2). */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '')
    throw new ChatError('E_USAGE', `${message}\nRun \`chat ${command === 'chat' ? '' : `${command} `}--help\` for usage.`)
  }
}

/** A non-negative integer flag, or a usage error naming the flag. */
export function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new ChatError('E_USAGE', `Expected ${flag} to be a whole number of 1 or more, got \`${value}\``)
  return Number(value)
}
