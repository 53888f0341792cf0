import { encodeText } from './runtime/text.ts'
import type { Decoded } from './message.ts'

const strict = new TextDecoder('utf-8', { fatal: true })
const lenient = new TextDecoder('utf-8')

/** UTF-8 bytes to text; bytes that do not decode become U+FFFD and the result is flagged. */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  try {
    return { text: strict.decode(bytes), encoding: 'utf-8' }
  } catch {
    return { text: lenient.decode(bytes), encoding: 'utf-8', malformed: true }
  }
}

/** Text to UTF-8 bytes. */
export const encodeUtf8: (text: string) => Uint8Array = encodeText
