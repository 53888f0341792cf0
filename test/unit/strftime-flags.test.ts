import { describe, expect, it } from 'vitest'
import { strftime } from '../../plugins/index.ts'

// Local dates format the same in any time zone. Expected values are what Python 3 prints on Linux
// (glibc) for `time.strftime(p, t)`, t being these local times.
const night = new Date(2026, 0, 5, 0, 7, 9)
const afternoon = new Date(2026, 0, 5, 13, 7, 9)

describe('strftime() flags and widths as glibc applies them', () => {
  it.each([
    // The last of `_`, `0` and `-` decides the padding.
    ['%_05d', '00005'],
    ['%0_5d', '    5'],
    ['%-05d', '00005'],
    ['%0-5d', '    5'],
    ['%_-5d', '    5'],
    ['%0_-5d', '    5'],
    ['%0_10A', '    Monday'],
    ['%_010A', '0000Monday'],
    // `-` drops the natural padding, but a width asked for is filled with spaces.
    ['%-5d', '    5'],
    ['%-5e', '    5'],
    ['%-j', '5'],
    ['%-1j', '5'],
    // A width below the natural one keeps the natural one.
    ['%1d', '05'],
    ['%_1j', '  5'],
    ['%3d', '005'],
    ['%0e', '05'],
    // A width pads numbers with their natural padding unless a flag says otherwise.
    ['%5Y', '02026'],
    ['%_5Y', ' 2026'],
    ['%_Y', '2026'],
    ['%5C', '00020'],
    ['%5u', '00001'],
    ['%5w', '00001'],
    ['%5e', '    5'],
    ['%_m', ' 1'],
    ['%-m', '1'],
    // `%%` takes a width and padding like any text.
    ['%5%', '    %'],
    ['%_5%', '    %'],
    ['%05%', '0000%'],
    ['%-%', '%'],
    ['%%', '%'],
  ])('strftime(%j) at 00:07:09 on 5 January 2026 is %j', (pattern, expected) => {
    expect(strftime(pattern, night)).toBe(expected)
  })

  it.each([
    ['%#p|%^p|%^#p|%#^p', 'pm|PM|pm|pm'],
    ['%#P|%^P', 'pm|pm'],
    ['%#a|%#A|%#b|%#B|%#h', 'MON|MONDAY|JAN|JANUARY|JAN'],
    ['%#_10A', '    MONDAY'],
    ['%#c', 'Mon Jan  5 13:07:09 2026'],
    ['%^c', 'MON JAN  5 13:07:09 2026'],
    ['%#r|%#x|%#X', '01:07:09 PM|01/05/26|13:07:09'],
    ['%_10x|%05p|%^5p', '  01/05/26|000PM|   PM'],
  ])('strftime(%j) changes case as glibc does: %j', (pattern, expected) => {
    expect(strftime(pattern, afternoon)).toBe(expected)
  })
})
