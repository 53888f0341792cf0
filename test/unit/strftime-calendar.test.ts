import { describe, expect, it } from 'vitest'
import { strftime } from '../../plugins/index.ts'

/** A UTC instant formatted in UTC: the same in any process. */
const utc = (pattern: string, ...fields: [number, number, number, number?, number?, number?]) => {
  const [y, mo, d, h = 12, mi = 0, s = 0] = fields
  return strftime(pattern, new Date(Date.UTC(y, mo - 1, d, h, mi, s)), Infinity, 'UTC')
}

// Expected values are what Python 3 prints on Linux (glibc) for the same dates.
describe('strftime() calendar directives', () => {
  it('strftime() names every month and every day, in full and in three letters', () => {
    const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September']
    months.push('October', 'November', 'December')
    months.forEach((name, i) =>
      expect(utc('%B|%b|%h|%m', 2026, i + 1, 15)).toBe(
        `${name}|${name.slice(0, 3)}|${name.slice(0, 3)}|${String(i + 1).padStart(2, '0')}`,
      ),
    )
    const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
    // 4 January 2026 is a Sunday.
    days.forEach((name, i) =>
      expect(utc('%A|%a|%w|%u', 2026, 1, 4 + i)).toBe(`${name}|${name.slice(0, 3)}|${i}|${i || 7}`),
    )
  })

  it.each([
    [[2024, 12, 30], '2025-W01-1|25|52|53|365|24|20'],
    [[2024, 12, 31, 23, 59, 59], '2025-W01-2|25|52|53|366|24|20'],
    [[2027, 1, 1], '2026-W53-5|26|00|00|001|27|20'],
    [[2021, 1, 3], '2020-W53-7|20|01|00|003|21|20'],
    [[2005, 1, 2], '2004-W53-7|04|01|00|002|05|20'],
    [[2026, 1, 4], '2026-W01-7|26|01|00|004|26|20'],
    [[2026, 1, 5], '2026-W02-1|26|01|01|005|26|20'],
    [[2023, 1, 1, 0, 0, 0], '2022-W52-7|22|01|00|001|23|20'],
  ] as const)('strftime("%%G-W%%V-%%u|%%g|%%U|%%W|%%j|%%y|%%C") on %j is %s', (date, expected) => {
    expect(utc('%G-W%V-%u|%g|%U|%W|%j|%y|%C', ...(date as unknown as [number, number, number]))).toBe(expected)
  })

  it.each([
    [0, 0, '12 12 AM am 00  0'],
    [11, 59, '11 11 AM am 11 11'],
    [12, 0, '12 12 PM pm 12 12'],
    [13, 0, '01  1 PM pm 13 13'],
    [23, 59, '11 11 PM pm 23 23'],
  ])('strftime("%%I %%l %%p %%P %%H %%k") at %i:%i is %j', (hour, minute, expected) => {
    expect(utc('%I %l %p %P %H %k', 2026, 1, 5, hour, minute)).toBe(expected)
  })

  it('strftime("%s") counts seconds before 1970 as negative, padded with spaces like glibc', () => {
    const before = new Date(-1000)
    expect(strftime('%s|%-s|%5s|%_5s', before)).toBe('-1|-1|   -1|   -1')
    expect(strftime('%12s|%_12s|%s', new Date(1_767_571_629_000))).toBe('  1767571629|  1767571629|1767571629')
  })

  it('strftime() writes the year 1 BC as glibc does: -1, -0001 with zeros, 99 for %y', () => {
    const date = new Date(Date.UTC(2026, 0, 1, 12))
    date.setUTCFullYear(-1)
    expect(strftime('%Y|%5Y|%05Y|%_5Y|%C|%y', date, Infinity, 'UTC')).toBe('-1|-0001|-0001|   -1|-1|99')
  })

  it('strftime() lets E and O precede only the directives glibc allows; others stay as written', () => {
    expect(
      utc(
        '%Ex|%EX|%Ec|%EC|%Ey|%EY|%Od|%Oe|%OH|%OI|%Om|%OM|%OS|%Ou|%OU|%OV|%Ow|%OW|%Oy|%Ea|%OY|%EH',
        2026,
        1,
        5,
        0,
        7,
        9,
      ),
    ).toBe('01/05/26|00:07:09|Mon Jan  5 00:07:09 2026|20|26|2026|05| 5|00|12|01|07|09|1|01|02|1|01|26|%Ea|%OY|%EH')
  })

  it('strftime() leaves unknown directives, a lone % at the end and %f with flags as written', () => {
    expect(utc('%-f|%%|%Q|%-|%', 2026, 1, 5)).toBe('%-f|%|%Q|%-|%')
    expect(utc('%E', 2026, 1, 5)).toBe('%E')
    expect(utc('100%', 2026, 1, 5)).toBe('100%')
  })

  it('strftime() stops at maxChars: exactly maxChars is fine, one more is not', () => {
    expect(utc('%Y', 2026, 1, 5)).toBe('2026')
    expect(strftime('%Y', new Date(), 4)).toHaveLength(4)
    expect(strftime('%Y', new Date(), 3)).toBeUndefined()
    expect(strftime('abc%%', new Date(), 4)).toBe('abc%')
    expect(strftime('abcd%%', new Date(), 4)).toBeUndefined()
  })
})
