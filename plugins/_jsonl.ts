/**
 * Text without a char JSON.stringify escapes: `"`, `\`, controls, lone surrogates (paired ones
 * count too: such text takes JSON.stringify). Asked as "all chars are plain", anchored, since V8
 * runs that as one greedy loop: faster on a chat line than searching for the first char that
 * needs escaping (bench/NOTES.md).
 */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/

/** `text` as the inside of a JSON string (between its quotes), exactly as JSON.stringify escapes it. */
export function jsonChars(text: string): string {
  // Most chat text has nothing to escape: then a regex scan (a fraction of JSON.stringify's
  // cost, see bench/NOTES.md) answers, and the text itself goes in the line, no new string made.
  return PLAIN.test(text) ? text : JSON.stringify(text).slice(1, -1)
}
