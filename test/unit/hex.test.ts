import { describe, expect, it } from 'vitest'
import { hexDump, parseHex, toHex } from '../../core/index.ts'

const all = Uint8Array.from({ length: 256 }, (_, i) => i)

describe('toHex() and parseHex()', () => {
  it('round-trip all 256 byte values', () => {
    expect(toHex(all).split(' ')).toHaveLength(256)
    expect(parseHex(toHex(all))).toEqual(all)
    expect(parseHex(toHex(all, ''))).toEqual(all)
    expect(parseHex(toHex(all).toUpperCase())).toEqual(all)
  })

  it.each([
    ['68 69 0d 0a'],
    ['68690d0a'],
    ['68:69:0D:0A'],
    ['0x68, 0x69, 0x0d, 0x0a'],
    ['\\x68\\x69\\x0d\\x0a'],
    ['  68 6 9 0d-0a\n'],
  ])('parseHex(%j) forgives how the bytes are written', (text) =>
    expect([...parseHex(text)]).toEqual([0x68, 0x69, 0x0d, 0x0a]),
  )

  it('parseHex() names what is not hex, and an odd digit out', () => {
    expect(() => parseHex('68 zz')).toThrow('Expected hex bytes (such as `68 69 0d 0a`), got `z` in `68 zz`')
    expect(() => parseHex('68 6')).toThrow('Expected hex bytes in pairs of digits, got an odd number (3) in `68 6`')
    expect(parseHex('')).toEqual(new Uint8Array(0))
  })
})

describe('hexDump()', () => {
  it('shows 16 bytes a row with the printable ASCII beside them', () => {
    const rows = hexDump(all)
    expect(rows).toHaveLength(16)
    expect(rows[0]).toBe('0000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  ................')
    expect(rows[4]).toBe('0040  40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f  @ABCDEFGHIJKLMNO')
    expect(rows[7]).toBe('0070  70 71 72 73 74 75 76 77 78 79 7a 7b 7c 7d 7e 7f  pqrstuvwxyz{|}~.')
    expect(hexDump(Uint8Array.of(0x68, 0x69))).toEqual([`0000  68 69${' '.repeat(42)}  hi`])
  })

  it('stops after maxRows and says how many bytes it left out', () => {
    expect(hexDump(new Uint8Array(100), 2)).toEqual([...hexDump(new Uint8Array(32)), '...   (68 more bytes)'])
  })
})
