/**
 * Characters that can drive a terminal or disguise a line: C0 and C1 controls (ESC starts the
 * sequences that clear the screen, move the cursor or set the title), DEL, Unicode line
 * separators and the bidirectional overrides that reorder what is shown. A tab is left alone.
 */
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\x1b': '\\e' }

/**
 * Text from the network as a terminal should show it: every character that could drive the
 * terminal written out visibly (`\e[2J`, `\n`, `\x07`, `\u202e`), the rest unchanged.
 */
export function visible(text: string): string {
  UNSAFE.lastIndex = 0
  if (!UNSAFE.test(text)) return text
  return text.replace(UNSAFE, (char) => {
    const named = NAMED[char]
    if (named) return named
    const code = char.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
  })
}

/** `visible` where the stream is a terminal; the exact text where it is a pipe or a file. */
export function forStream(stream: { isTTY?: boolean }): (text: string) => string {
  return stream.isTTY === true ? visible : (text) => text
}
