import { definePlugin } from '../core/index.ts'

const ASCII = /^[\x00-\x7f]*$/

/**
 * The tutorial echo server: answers every message with its text in upper case. The answer is
 * never longer on the wire than what came: a character whose upper case takes more bytes (`ΐ`,
 * `ɐ`) stays as it is, and bytes that did not decode (shown as U+FFFD, 3 bytes in UTF-8) come
 * back as `?`.
 */
export function uppercaseEcho() {
  return definePlugin({
    name: 'uppercaseEcho',
    inbound(message, ctx) {
      const text = message.text
      ctx.reply(message, ASCII.test(text) ? text.toUpperCase() : upperNoLonger(text, message.malformed === true))
    },
  })
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
