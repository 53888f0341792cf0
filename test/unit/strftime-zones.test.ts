import { describe, expect, it } from 'vitest'
import { strftime } from '../../plugins/index.ts'

/** The instant whose wall clock in a zone `offset` minutes east of UTC reads the given time. */
function wallAt(offset: number, y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): Date {
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset * 60_000)
}

// A named zone is passed in, so these run in any process (a worker thread cannot change its TZ).
// Expected values are what Python 3 prints on Linux for `datetime(..., tzinfo=ZoneInfo(zone)).strftime(p)`.
describe('strftime(pattern, date, maxChars, timeZone) formats the wall clock of the named zone', () => {
  it.each([
    [
      'UTC',
      wallAt(0, 2026, 1, 5, 0, 7, 9, 123),
      '2026-01-05 00:07:09.123000 +0000 Mon 005 01 01 02 2026 1 1',
      'Mon Jan  5 00:07:09 2026|01/05/26|00:07:09|12:07:09 AM|01/05/26|2026-01-05',
      '12 AM 12  0 20 26 26  5',
    ],
    [
      'Asia/Shanghai',
      wallAt(480, 2026, 1, 5, 0, 7, 9, 123),
      '2026-01-05 00:07:09.123000 +0800 Mon 005 01 01 02 2026 1 1',
      'Mon Jan  5 00:07:09 2026|01/05/26|00:07:09|12:07:09 AM|01/05/26|2026-01-05',
      '12 AM 12  0 20 26 26  5',
    ],
    [
      'America/New_York',
      wallAt(-300, 2026, 11, 23, 13, 4, 5),
      '2026-11-23 13:04:05.000000 -0500 Mon 327 47 47 48 2026 1 1',
      'Mon Nov 23 13:04:05 2026|11/23/26|13:04:05|01:04:05 PM|11/23/26|2026-11-23',
      '01 PM  1 13 20 26 26 23',
    ],
    [
      'Asia/Kathmandu',
      wallAt(345, 2026, 12, 31, 23, 59, 58, 999),
      '2026-12-31 23:59:58.999000 +0545 Thu 365 52 52 53 2026 4 4',
      'Thu Dec 31 23:59:58 2026|12/31/26|23:59:58|11:59:58 PM|12/31/26|2026-12-31',
      '11 PM 11 23 20 26 26 31',
    ],
    [
      'America/St_Johns',
      wallAt(-210, 2027, 1, 1, 0, 0, 0),
      '2027-01-01 00:00:00.000000 -0330 Fri 001 00 00 53 2026 5 5',
      'Fri Jan  1 00:00:00 2027|01/01/27|00:00:00|12:00:00 AM|01/01/27|2027-01-01',
      '12 AM 12  0 20 27 26  1',
    ],
  ])('strftime() in %s matches Python', (zone, date, fields, composites, twelveHour) => {
    expect(strftime('%Y-%m-%d %H:%M:%S.%f %z %a %j %U %W %V %G %u %w', date, Infinity, zone)).toBe(fields)
    expect(strftime('%c|%x|%X|%r|%D|%F', date, Infinity, zone)).toBe(composites)
    expect(strftime('%I %p %l %k %C %y %g %e', date, Infinity, zone)).toBe(twelveHour)
  })

  it('strftime("%s") is the instant in seconds since the epoch, whatever the zone', () => {
    const date = new Date(1_767_571_629_999)
    for (const zone of ['UTC', 'Asia/Kathmandu', 'America/St_Johns']) {
      expect(strftime('%s', date, Infinity, zone)).toBe('1767571629')
    }
  })

  it('strftime("%z") follows daylight saving time: the same zone in winter and summer', () => {
    expect(strftime('%z %H', wallAt(-300, 2026, 1, 5, 12, 0, 0), Infinity, 'America/New_York')).toBe('-0500 12')
    expect(strftime('%z %H', wallAt(-240, 2026, 7, 5, 12, 0, 0), Infinity, 'America/New_York')).toBe('-0400 12')
  })

  it('strftime() with flags and widths applies them to %z and %Z as to any text', () => {
    const date = wallAt(-210, 2026, 1, 5, 12, 0, 0)
    expect(strftime('[%8z] [%_z] [%#Z] [%^Z]', date, Infinity, 'America/St_Johns')).toBe(
      '[   -0330] [-0330] [nst] [NST]',
    )
  })

  it('strftime() with a zone it does not know throws a RangeError naming it', () => {
    expect(() => strftime('%H', new Date(0), Infinity, 'Mars/Olympus_Mons')).toThrow(/Mars\/Olympus_Mons/)
  })
})

describe('strftime("%Z") names the zone by its abbreviation, asking several locales', () => {
  it.each([
    ['UTC', wallAt(0, 2026, 1, 5, 12, 0, 0), 'UTC'],
    ['Europe/London', wallAt(0, 2026, 1, 5, 12, 0, 0), 'GMT'],
    // en-US knows these names
    ['America/New_York', wallAt(-300, 2026, 1, 5, 12, 0, 0), 'EST'],
    ['America/Anchorage', wallAt(-540, 2026, 1, 5, 12, 0, 0), 'AKST'],
    // en-GB does (en-US says GMT+2, GMT+4, GMT+1, GMT+0)
    ['Europe/Lisbon', wallAt(0, 2026, 1, 5, 12, 0, 0), 'WET'],
    ['Africa/Cairo', wallAt(120, 2026, 1, 5, 12, 0, 0), 'EET'],
    ['Europe/Berlin', wallAt(120, 2026, 7, 5, 12, 0, 0), 'CEST'],
    ['Asia/Dubai', wallAt(240, 2026, 1, 5, 12, 0, 0), 'GST'],
    ['Europe/London', wallAt(60, 2026, 7, 5, 12, 0, 0), 'BST'],
    // en-IN does
    ['Asia/Kolkata', wallAt(330, 2026, 1, 5, 12, 0, 0), 'IST'],
    // en-AU does
    ['Australia/Perth', wallAt(480, 2026, 1, 5, 12, 0, 0), 'AWST'],
    // none does: the initials of its long name (China Standard Time, Japan Standard Time)
    ['Asia/Shanghai', wallAt(480, 2026, 1, 5, 12, 0, 0), 'CST'],
    ['Asia/Tokyo', wallAt(540, 2026, 1, 5, 12, 0, 0), 'JST'],
  ])('strftime("%%Z") in %s is %s', (zone, date, name) => {
    expect(strftime('%Z', date, Infinity, zone)).toBe(name)
  })

  it('strftime("%Z") tells apart zones of one offset, and one zone in winter and summer', () => {
    const winter = wallAt(480, 2026, 1, 5, 12, 0, 0)
    expect(strftime('%Z', winter, Infinity, 'Asia/Shanghai')).toBe('CST')
    expect(strftime('%Z', winter, Infinity, 'Australia/Perth')).toBe('AWST')
    expect(strftime('%Z', wallAt(-300, 2026, 1, 5, 12, 0, 0), Infinity, 'America/New_York')).toBe('EST')
    expect(strftime('%Z', wallAt(-240, 2026, 7, 5, 12, 0, 0), Infinity, 'America/New_York')).toBe('EDT')
  })
})

describe('strftime() without a zone formats local time (the process TZ)', () => {
  it('strftime() agrees with the same pattern in the zone Intl reports as local', () => {
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone
    const date = new Date(2026, 6, 5, 13, 4, 5, 6)
    const pattern = '%Y-%m-%d %H:%M:%S.%f %z %Z %j'
    expect(strftime(pattern, date)).toBe(strftime(pattern, date, Infinity, local))
    expect(strftime('%Y-%m-%d %H:%M:%S.%f', date)).toBe('2026-07-05 13:04:05.006000')
  })
})
