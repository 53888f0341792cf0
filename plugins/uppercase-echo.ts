import { definePlugin, type Plugin } from '../core/index.ts'

const LATIN1 = /^[\x00-\xff]*$/

/**
 * The tutorial echo server: answers every message with its text in upper case. The answer is
 * never longer on the wire than what came: a character whose upper case takes more bytes (`ΐ`,
 * `ɐ`) stays as it is, and bytes that did not decode (shown as U+FFFD, 3 bytes in UTF-8) come
 * back as `?`.
 */
export function uppercaseEcho(): Plugin<undefined> {
  return definePlugin({
    name: 'uppercaseEcho',
    inbound(message, ctx) {
      const text = message.text
      // ASCII and Latin-1 (most Western European text), checked once: each of these characters
      // upper-cases to no more UTF-8 bytes (`µ` to `Μ`, `ÿ` to `Ÿ`: 2 each; `ß` to `SS`: 2).
      ctx.reply(message, LATIN1.test(text) ? text.toUpperCase() : upperNonAscii(text, message.malformed === true))
    },
  })
}

/**
 * The common case at the cost of one `toUpperCase` and a scan: when the upper case has the same
 * UTF-16 length and no code unit moved into a longer UTF-8 class (or in or out of a surrogate
 * pair), every character maps to one of no more bytes, and the result is `upperNoLonger`'s.
 */
function upperNonAscii(text: string, malformed: boolean): string {
  if (malformed) return upperNoLonger(text, true)
  const upper = text.toUpperCase()
  if (upper.length !== text.length) return upperNoLonger(text, false)
  for (let i = 0; i < text.length; i++) {
    const a = text.charCodeAt(i)
    const b = upper.charCodeAt(i)
    if (a !== b && utf8Class(b) > utf8Class(a)) return upperNoLonger(text, false)
  }
  return upper
}

/** UTF-8 bytes of a code unit's character: 1, 2, 3, or 4 for either half of a surrogate pair. */
function utf8Class(unit: number): number {
  return unit < 0x80 ? 1 : unit < 0x800 ? 2 : unit >= 0xd800 && unit <= 0xdfff ? 4 : 3
}

function upperNoLonger(text: string, malformed: boolean): string {
  let out = ''
  for (const char of text) {
    if (malformed && char === '\uFFFD') {
      out += '?'
      continue
    }
    const upper = char.toUpperCase()
    out += upper === char || utf8Length(upper) > utf8Length(char) ? char : upper
  }
  return out
}

function utf8Length(text: string): number {
  let n = 0
  for (const char of text) {
    const code = char.codePointAt(0)!
    n += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
  }
  return n
}
