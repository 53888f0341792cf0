// Python's `datetime.strftime` as it behaves on Linux (glibc, C locale), in local time or a named zone.

// The names, patterns and the regex below live inside the functions that use them, not at module
// level: the mutation tests switch a change on per test, and module-level code runs only once per
// test file (docs/mutation-equivalents.md).

/** A name, or a number with its natural width, padded with zeros unless marked with `' '`. */
type Field = [value: number, width: number, spaces?: ' '] | string

/** Widths above this are left as written, as an unknown directive is: no one needs a 1,000-char field. */
export const MAX_WIDTH = 1024

/**
 * The instant being formatted: `wall` holds the wall-clock time of the zone in its UTC fields
 * (read with `getUTC*`), so one code path serves local time and any named zone.
 */
interface When {
  date: Date
  wall: Date
  /** Minutes east of UTC. */
  offset: number
  timeZone: string | undefined
}

/**
 * Formats `date` with a strftime pattern, as Python does on Linux: `%f` is microseconds, `%z`
 * `+HHMM`, `%Z` the zone's abbreviation; glibc's flags (`%-d`, `%_H`, `%^a`, `%#b`) and widths
 * up to 1024 (`%10A`) work; an unknown directive is left as written.
 * Returns `undefined` as soon as the result would pass `maxChars`: the work stays bounded by it.
 * @param timeZone an IANA zone (`Asia/Tokyo`) to format in; @default the process's local time (TZ)
 */
export function strftime(pattern: string, date: Date, maxChars = Infinity, timeZone?: string): string | undefined {
  const offset = timeZone === undefined ? -date.getTimezoneOffset() : zoneOffset(date, timeZone)
  return format(pattern, { date, wall: new Date(date.getTime() + offset * 60_000), offset, timeZone }, maxChars)
}

function format(pattern: string, when: When, maxChars: number): string | undefined {
  let out = ''
  let from = 0
  for (const match of pattern.matchAll(/%([-_0^#]*)(\d*)([EO]?)([\s\S]?)/g)) {
    out += pattern.slice(from, match.index) + expand(match, when)
    from = match.index + match[0].length
    if (out.length > maxChars) return undefined
  }
  out += pattern.slice(from)
  return out.length > maxChars ? undefined : out
}

function expand(match: RegExpMatchArray, when: When): string {
  const [whole, flags, width, modifier, letter] = match as unknown as [string, string, string, string, string]
  // Which directives `E` and `O` may precede (others are left as written).
  if (modifier && !(modifier === 'E' ? 'cCxXyY' : 'deHImMSuUVwWy').includes(letter)) return whole
  // Python itself formats `%f`, and only when written bare (glibc has none).
  if (whole === '%f') return String(when.wall.getUTCMilliseconds() * 1000).padStart(6, '0')
  if (Number(width) > MAX_WIDTH) return whole
  const composite = composites(letter)
  const field: Field | undefined = composite === undefined ? directive(letter, when) : format(composite, when, Infinity)
  if (field === undefined) return whole
  return applyFlags(field, flags, Number(width), letter)
}

/** `%c`, `%x`, `%X` and the other composites, as the C locale spells them; undefined for other letters. */
function composites(letter: string): string | undefined {
  switch (letter) {
    case 'c':
      return '%a %b %e %H:%M:%S %Y'
    case 'x':
    case 'D':
      return '%m/%d/%y'
    case 'X':
    case 'T':
      return '%H:%M:%S'
    case 'R':
      return '%H:%M'
    case 'F':
      return '%Y-%m-%d'
    case 'r':
      return '%I:%M:%S %p'
  }
}

/** `width` 0 is none. */
function applyFlags(field: Field, flags: string, width: number, letter: string): string {
  // As glibc: of `_`, `0` and `-`, the last one written decides the padding.
  const padding = flags.match(/[-_0]/g)?.pop()
  if (typeof field === 'string') {
    let text = field
    // As glibc: `#` upper-cases names and lower-cases `%p` and `%Z`, over `^`; `%P` stays lower case.
    const swap = flags.includes('#')
    if (swap && (letter === 'p' || letter === 'Z')) text = text.toLowerCase()
    else if ((flags.includes('^') || (swap && 'aAbBh'.includes(letter))) && letter !== 'P') text = text.toUpperCase()
    return text.padStart(width, padding === '0' ? '0' : ' ')
  }
  const [value, natural, spaces] = field
  const digits = String(Math.abs(value))
  const sign = value < 0 ? '-' : ''
  // `-` leaves out the natural padding, but a width asked for is still filled (with spaces).
  if (padding === '-') return (sign + digits).padStart(width, ' ')
  const size = Math.max(width, natural)
  // Spaces go before the sign (`   -1`), zeros after it (`-0001`).
  if (padding === '_' || (padding !== '0' && spaces)) return (sign + digits).padStart(size, ' ')
  return sign + digits.padStart(size - sign.length, '0')
}

/** A one-letter directive's value; undefined for a letter glibc does not know. */
function directive(letter: string, when: When): Field | undefined {
  const date = when.wall
  const day = date.getUTCDay()
  const hour = date.getUTCHours()
  switch (letter) {
    case '%':
      return '%'
    case 'a':
      return dayName(day).slice(0, 3)
    case 'A':
      return dayName(day)
    case 'b':
    case 'h':
      return monthName(date.getUTCMonth()).slice(0, 3)
    case 'B':
      return monthName(date.getUTCMonth())
    case 'C':
      return [Math.floor(date.getUTCFullYear() / 100), 2]
    case 'd':
      return [date.getUTCDate(), 2]
    case 'e':
      return [date.getUTCDate(), 2, ' ']
    case 'G':
      return [isoWeek(date).year, 1]
    case 'g':
      return [(100 + (isoWeek(date).year % 100)) % 100, 2]
    case 'H':
      return [hour, 2]
    case 'I':
      return [hour % 12 || 12, 2]
    case 'j':
      return [dayOfYear(date) + 1, 3]
    case 'k':
      return [hour, 2, ' ']
    case 'l':
      return [hour % 12 || 12, 2, ' ']
    case 'm':
      return [date.getUTCMonth() + 1, 2]
    case 'M':
      return [date.getUTCMinutes(), 2]
    case 'n':
      return '\n'
    case 'p':
      return hour < 12 ? 'AM' : 'PM'
    case 'P':
      return hour < 12 ? 'am' : 'pm'
    case 's':
      return [Math.floor(when.date.getTime() / 1000), 1, ' ']
    case 'S':
      return [date.getUTCSeconds(), 2]
    case 't':
      return '\t'
    case 'u':
      return [day || 7, 1]
    case 'U':
      return [Math.floor((dayOfYear(date) + 7 - day) / 7), 2]
    case 'V':
      return [isoWeek(date).week, 2]
    case 'w':
      return [day, 1]
    case 'W':
      return [Math.floor((dayOfYear(date) + 7 - ((day + 6) % 7)) / 7), 2]
    case 'y':
      return [(100 + (date.getUTCFullYear() % 100)) % 100, 2]
    case 'Y':
      return [date.getUTCFullYear(), 1]
    case 'z':
      return offsetText(when.offset)
    case 'Z':
      return zoneName(when)
  }
}

function dayName(day: number): string {
  return ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][day]!
}

function monthName(month: number): string {
  const names = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ]
  return names[month]!
}

/** Days since 1 January, 0-based, in local time (immune to DST: counted on UTC dates). */
function dayOfYear(date: Date): number {
  return (
    (Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - Date.UTC(date.getUTCFullYear(), 0, 1)) /
    86_400_000
  )
}

/** ISO 8601 week and its year: weeks start on Monday; week 1 holds the year's first Thursday. */
function isoWeek(date: Date): { year: number; week: number } {
  const thursday = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 3 - ((date.getUTCDay() + 6) % 7)),
  )
  const year = thursday.getUTCFullYear()
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000))
  return { year, week }
}

/** `+0800`, `-0230`. */
function offsetText(minutes: number): string {
  const abs = Math.abs(minutes)
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`
}

/** Minutes east of UTC in a named zone at that instant, from Intl's `GMT+05:30` (`GMT` alone at UTC). */
function zoneOffset(date: Date, timeZone: string): number {
  const [, sign, hours, minutes] = /^GMT([+-])(\d\d):(\d\d)/.exec(zonePart('en-US', 'longOffset', date, timeZone)) ?? []
  if (sign === undefined) return 0
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes))
}

const zoneNames = new Map<string, string>()

/**
 * The zone's abbreviation (`UTC`, `EST`, `CET`, `CST`...). Intl has no one locale that knows
 * them all, so several are asked; failing those, the initials of the zone's long name.
 */
function zoneName({ date, offset, timeZone }: When): string {
  const key = `${timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone}|${offset}`
  let name = zoneNames.get(key)
  if (name === undefined) {
    name = ['en-US', 'en-GB', 'en-IN', 'en-AU']
      .map((locale) => zonePart(locale, 'short', date, timeZone))
      .find((short) => short && !/^GMT[+-]/.test(short))
    if (name === undefined) {
      const long = zonePart('en-US', 'long', date, timeZone)
      name =
        long === 'Coordinated Universal Time'
          ? 'UTC'
          : long
              .split(/\s+/)
              .map((word) => word[0])
              .join('')
              .toUpperCase()
    }
    zoneNames.set(key, name)
  }
  return name
}

function zonePart(
  locale: string,
  style: 'short' | 'long' | 'longOffset',
  date: Date,
  timeZone: string | undefined,
): string {
  return (
    new Intl.DateTimeFormat(locale, { timeZoneName: style, timeZone })
      .formatToParts(date)
      .find((part) => part.type === 'timeZoneName')?.value ?? ''
  )
}
