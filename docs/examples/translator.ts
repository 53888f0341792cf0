import iconv from 'iconv-lite'
import { definePlugin, formatAddress, v } from '../../core/index.ts' // in your project: from 'udpchat'

const Options = v.record(
  v.string('HOST:PORT'),
  v.pipe(
    v.string(),
    v.check((name) => iconv.encodingExists(name), 'an encoding iconv-lite knows (gbk, big5, shift_jis...)'),
  ),
)

/**
 * Each listed peer in its own encoding, everyone else in the chat's: a GBK tutorial script and a
 * UTF-8 terminal in one relay room read each other. `translator({ '192.168.1.20:7788': 'gbk' })`
 */
export function translator(encodings: Record<string, string>) {
  return definePlugin({
    name: 'translator',
    // Before the codec (also `pre`, so put the translator first in the config).
    enforce: 'pre',
    schema: Options,
    options: encodings,
    decode(bytes, ctx, from) {
      const encoding = ctx.options[formatAddress(from)]
      if (!encoding) return undefined // not ours: the codec decodes it
      const text = iconv.decode(Buffer.from(bytes), encoding)
      return { text, encoding, malformed: text.includes('\uFFFD') }
    },
    encode(text, ctx, to) {
      const encoding = ctx.options[formatAddress(to)]
      return encoding ? iconv.encode(text, encoding) : undefined
    },
  })
}
