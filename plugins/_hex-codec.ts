import { definePlugin, drop, isChatError, parseHex, toHex } from '../core/index.ts'

/**
 * The binary mode: text in the chat is hex (`68 69 0d 0a`), one pair per byte on the wire, so
 * every byte value goes through unchanged and a bot can match and answer bytes as text. A line
 * that is not hex is dropped with the reason (never sent as something else).
 */
export function hexCodec() {
  return definePlugin({
    name: 'codec',
    enforce: 'pre',
    options: 'hex',
    decode: (bytes) => ({ text: toHex(bytes), encoding: 'hex' }),
    outbound(message) {
      try {
        parseHex(message.text)
      } catch (error) {
        return drop(isChatError(error) ? error.message : String(error))
      }
    },
    encode: (text) => parseHex(text),
  })
}
