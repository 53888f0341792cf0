import type { Flags } from './_args.ts'
import { ChatError, parseHex } from './_core.ts'

/** What `--eol` appends to each line we send. */
export const EOLS = { none: '', lf: '\n', crlf: '\r\n' } as const
export type Eol = keyof typeof EOLS

/** `--eol lf|crlf|none` as the text to append, or a usage error. Nothing is appended by default. */
export function parseEol(value: string | undefined): string {
  if (value === undefined) return ''
  const eol = EOLS[value.toLowerCase() as Eol]
  if (eol === undefined) throw new ChatError('E_USAGE', `Expected --eol to be lf, crlf or none, got \`${value}\``)
  return eol
}

/** A duration in whole milliseconds (0 allowed), or a usage error naming the flag. */
export function parseMs(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value))
    throw new ChatError('E_USAGE', `Expected ${flag} to be a whole number of milliseconds, got \`${value}\``)
  return Number(value)
}

/**
 * What a typed line or a `chat send` TEXT puts on the wire: after `hex:`, the bytes written in hex
 * (`hex:68 69 0d 0a`, `hex:\\x01\\x02`; no line ending added); else the text and the line ending.
 * Throws a ChatError (E_USAGE) for `hex:` followed by something that is not hex.
 */
export function toWire(line: string, eol: string): string | Uint8Array {
  return line.startsWith('hex:') ? parseHex(line.slice(4)) : line + eol
}

/** The flags of the commands that send typed or piped lines (chat, join). */
export const lineFlags = {
  linger: {
    value: 'MS',
    help: 'with piped stdin: how long to keep receiving after it ends (default 500)',
    parse: parseMs,
  },
  eol: {
    value: 'EOL',
    help: 'end each line we send with lf (\\n), crlf (\\r\\n) or none (default: none)',
    parse: parseEol,
  },
} satisfies Flags
