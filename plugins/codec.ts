import * as iconvModule from 'iconv-lite'
import * as v from 'valibot'
import { decodeUtf8, definePlugin, encodeUtf8, type Plugin } from '../core/index.ts'
import { hexCodec } from './_hex-codec.ts'
import { kindOf, markKind } from './_kind.ts'

// iconv-lite is CommonJS. A native import() (Deno, Bun, Node) hands it over as `default`; jiti
// without interop defaults (core/runtime/node-loader.ts) can hand over module.exports itself, as
// it did under vitest in a fresh clone: take whichever came, so the codec works either way.
type Iconv = typeof iconvModule.default
const iconv: Iconv = (iconvModule as unknown as { default?: Iconv }).default ?? (iconvModule as unknown as Iconv)

const UTF8 = new Set(['utf-8', 'utf8'])
const NON_ASCII = /[^\x00-\x7f]/

/** True for `utf-8` and every encoding iconv-lite knows (gbk, gb18030, big5, shift_jis, latin1, ...). */
export function isSupportedEncoding(name: string): boolean {
  return UTF8.has(name.toLowerCase()) || iconv.encodingExists(name)
}

/** The encoding's name, trimmed and lower-cased; utf8 is utf-8. Made per plugin, as the other plugins' schemas are. */
function encodingSchema() {
  return v.pipe(
    v.string('an encoding name (string)'),
    v.transform((name) => name.trim().toLowerCase()),
    v.check(isSupportedEncoding, 'an encoding such as utf-8, gbk, gb18030, big5, shift_jis or latin1'),
    v.transform((name) => (UTF8.has(name) ? 'utf-8' : name)),
  )
}

/** True for `hex` (any case, spaces around): `codec()`'s binary mode, whose text is hex pairs. */
export function isHexEncoding(name: string): boolean {
  return name.trim().toLowerCase() === 'hex'
}

/** True for a plugin made by `codec()` (whatever its name): `--encoding` puts its own in its place. */
export function isCodec(plugin: unknown): boolean {
  return kindOf(plugin) === 'codec'
}

/**
 * Text on the wire in one encoding, nothing added: what plain-socket peers send and expect.
 * Bytes that do not decode become U+FFFD and the message is flagged `malformed`; characters
 * the encoding cannot write are sent as `?`, with a warning. `codec('hex')` is the binary mode:
 * the text is hex pairs, one per byte (`68 69 0d 0a`), in and out.
 * @param encoding @default 'utf-8'
 */
export function codec(encoding: string = 'utf-8'): Plugin<string> | Plugin<undefined> {
  if (isHexEncoding(encoding)) return markKind(hexCodec(), 'codec')
  const plugin = definePlugin({
    name: 'codec',
    enforce: 'pre',
    schema: encodingSchema(),
    options: encoding,
    decode(bytes, ctx) {
      if (ctx.options === 'utf-8') return decodeUtf8(bytes)
      const text = iconv.decode(bytes as Buffer, ctx.options)
      // No legacy encoding can carry U+FFFD itself, so any in the text marks undecodable bytes.
      return text.includes('\uFFFD')
        ? { text, encoding: ctx.options, malformed: true }
        : { text, encoding: ctx.options }
    },
    encode(text, ctx) {
      if (ctx.options === 'utf-8') return encodeUtf8(text)
      const bytes: Uint8Array = iconv.encode(text, ctx.options)
      if (NON_ASCII.test(text) && iconv.decode(bytes as Buffer, ctx.options) !== text) {
        ctx.logger.warn(`Some characters cannot be written in ${ctx.options}; they were sent as "?"`)
      }
      return bytes
    },
  })
  return markKind(plugin, 'codec')
}
