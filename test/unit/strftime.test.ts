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

describe('strftime()', () => {
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
