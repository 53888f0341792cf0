/** presence()'s announcements on the wire: `^here^ NICK` every interval, `^gone^ NICK` on the way out. */
export const HERE = '^here^ '
export const GONE = '^gone^ '

/** True for a line that is one of presence()'s announcements (a trailing newline allowed). */
export function isAnnouncement(text: string): boolean {
  return text.startsWith(HERE) || text.startsWith(GONE)
}
