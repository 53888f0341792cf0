import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { strftime } from '../../plugins/index.ts'

// Expected values are what Python 3 prints on Linux for `datetime(...).astimezone().strftime(p)`.
const cases: Array<[pattern: string, morning: string, afternoon: string]> = [
  ['%Y %m %d %H %M %S', '2026 01 05 00 07 09', '2026 11 23 13 04 05'],
  ['%X', '00:07:09', '13:04:05'],
  ['%x', '01/05/26', '11/23/26'],
  ['%c', 'Mon Jan  5 00:07:09 2026', 'Mon Nov 23 13:04:05 2026'],
  ['%a %A %b %B', 'Mon Monday Jan January', 'Mon Monday Nov November'],
  ['%j %p %y %I', '005 AM 26 12', '327 PM 26 01'],
  ['%f', '123000', '000000'],
  ['%%|%Q|%', '%|%Q|%', '%|%Q|%'],
  ['%-d %e %U %W %V', '5  5 01 01 02', '23 23 47 47 48'],
  ['', '', ''],
]

/**
 * Whether setting TZ here changes the local time zone: it does in a process of its own (vitest's
 * default pool, `npm test`), not in a worker thread (the pool Stryker's runner uses), where
 * these tests cannot run.
 */
function zoneCanChange(): boolean {
  const saved = process.env.TZ
  process.env.TZ = 'Asia/Kolkata'
  const changed = new Date(2026, 0, 5).getTimezoneOffset() === -330
  if (saved === undefined) delete process.env.TZ
  else process.env.TZ = saved
  return changed
}

describe.runIf(zoneCanChange())('strftime()', () => {
  const saved = process.env.TZ
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ
    else process.env.TZ = saved
  })

  describe.each(['UTC', 'Asia/Shanghai', 'America/New_York'])('in %s', (zone) => {
    beforeAll(() => {
      process.env.TZ = zone
    })

    it.each(cases)('strftime(%j) matches Python', (pattern, morning, afternoon) => {
      expect(strftime(pattern, new Date(2026, 0, 5, 0, 7, 9, 123))).toBe(morning)
      expect(strftime(pattern, new Date(2026, 10, 23, 13, 4, 5))).toBe(afternoon)
    })
  })

  it.each([
    ['UTC', 0, '+0000 UTC'],
    ['Asia/Shanghai', 0, '+0800 CST'],
    ['America/New_York', 0, '-0500 EST'],
    ['America/New_York', 6, '-0400 EDT'],
    ['Europe/Berlin', 6, '+0200 CEST'],
    ['Asia/Kolkata', 0, '+0530 IST'],
  ])('strftime("%%z %%Z") in %s, month %i, is %s', (zone, month, expected) => {
    process.env.TZ = zone
    expect(strftime('%z %Z', new Date(2026, month, 5, 12))).toBe(expected)
  })
})

// Local dates format the same in any time zone: these run wherever the tests run.
describe('strftime() directives and glibc flags, as Python prints them on Linux', () => {
  const morning = new Date(2026, 0, 5, 0, 7, 9, 123)
  const afternoon = new Date(2026, 10, 23, 13, 4, 5)
  it.each([
    ['%C %g %G %k %l', '20 26 2026  0 12', '20 26 2026 13  1'],
    ['%u %w %n%t|', '1 1 \n\t|', '1 1 \n\t|'],
    [
      '%D %T %R %F %r',
      '01/05/26 00:07:09 00:07 2026-01-05 12:07:09 AM',
      '11/23/26 13:04:05 13:04 2026-11-23 01:04:05 PM',
    ],
    ['%h %P %p', 'Jan am AM', 'Nov pm PM'],
    ['%_H %-H %^a %^A %#b %#p', ' 0 0 MON MONDAY JAN am', '13 13 MON MONDAY NOV pm'],
    [
      '%10A|%-10A|%_5d|%05e|%3j|%1Y',
      '    Monday|    Monday|    5|00005|005|2026',
      '    Monday|    Monday|   23|00023|327|2026',
    ],
    ['%Ey %EY %Od %OH %Oq', '26 2026 05 00 %Oq', '26 2026 23 13 %Oq'],
    ['%^10B|%010d|%#a', '   JANUARY|0000000005|MON', '  NOVEMBER|0000000023|MON'],
  ])('strftime(%j)', (pattern, first, second) => {
    expect(strftime(pattern, morning)).toBe(first)
    expect(strftime(pattern, afternoon)).toBe(second)
  })

  it('leaves a width past 1024 as written, and stops at maxChars', () => {
    expect(strftime('%1025A', morning)).toBe('%1025A')
    expect(strftime('%1024A', morning)).toHaveLength(1024)
    expect(strftime('%Y-%m-%d', morning, 10)).toBe('2026-01-05')
    expect(strftime('%Y-%m-%d', morning, 9)).toBeUndefined()
    expect(strftime('%A%A%A', morning, 7)).toBeUndefined()
  })
})
