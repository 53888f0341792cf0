import { ChatError } from './errors.ts'

const DIGITS = '0123456789abcdef'
const BYTE = Array.from({ length: 256 }, (_, i) => DIGITS[i >> 4]! + DIGITS[i & 15]!)
/** Separators people put between bytes: spaces, commas, colons, dashes, and `0x` or `\x` before each. */
const SEPARATORS = /[\s,:;-]+|0x|\\x/gi

/** Bytes as hex pairs: `68 69 0d 0a` (`sep` between them). */
export function toHex(bytes: Uint8Array, sep = ' '): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += (i ? sep : '') + BYTE[bytes[i]!]!
  return out
}

/**
 * Hex as bytes, forgiving the way people write it: `68 69`, `6869`, `68:69`, `0x68,0x69`,
 * `\x68\x69`. Throws a ChatError (E_USAGE) naming what is not hex, or an odd digit out.
 */
export function parseHex(text: string): Uint8Array {
  const digits = text.replace(SEPARATORS, '')
  const bad = /[^0-9a-f]/i.exec(digits)
  if (bad)
    throw new ChatError(
      'E_USAGE',
      `Expected hex bytes (such as \`68 69 0d 0a\`), got \`${bad[0]}\` in \`${clip(text)}\``,
    )
  if (digits.length % 2)
    throw new ChatError(
      'E_USAGE',
      `Expected hex bytes in pairs of digits, got an odd number (${digits.length}) in \`${clip(text)}\``,
    )
  const bytes = new Uint8Array(digits.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

/**
 * A hex dump, 16 bytes a row, with the printable ASCII beside it (`.` for the rest):
 * `0000  68 69 0d 0a                                       hi..`
 */
export function hexDump(bytes: Uint8Array, maxRows = 64): string[] {
  const rows: string[] = []
  for (let at = 0; at < bytes.length && rows.length < maxRows; at += 16) {
    const row = bytes.subarray(at, at + 16)
    const hex = toHex(row).padEnd(47)
    let ascii = ''
    for (const b of row) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'
    rows.push(`${at.toString(16).padStart(4, '0')}  ${hex}  ${ascii}`)
  }
  if (bytes.length > maxRows * 16) rows.push(`...   (${bytes.length - maxRows * 16} more bytes)`)
  return rows
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text
}
