import { describe, expect, it } from 'vitest'
import { distance } from '../../core/suggest.ts'

// The edit distance behind "did you mean": a swap of two neighbours counts once, but only when
// both letters really are swapped.
describe('distance()', () => {
  it('counts two swapped neighbours as one edit', () => {
    expect(distance('ab', 'ba')).toBe(1)
    expect(distance('port', 'prot')).toBe(1)
  })

  it('does not take two letters for a swap when only one of them matches', () => {
    expect(distance('ab', 'xa')).toBe(2)
    expect(distance('ab', 'bx')).toBe(2)
  })
})
