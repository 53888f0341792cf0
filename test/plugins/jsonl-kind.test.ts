import { describe, expect, it } from 'vitest'
import { kindOf, markKind } from '../../plugins/_kind.ts'
import { fresh } from '../helpers/fresh.ts'

// Loaded afresh in each test: its pattern is module-level code (test/helpers/fresh.ts).
const load = async () => (await fresh(() => import('../../plugins/_jsonl.ts'))).jsonChars

describe('jsonChars()', () => {
  it('jsonChars() escapes every UTF-16 code unit alone as JSON.stringify does', async () => {
    const jsonChars = await load()
    const wrong: number[] = []
    for (let unit = 0; unit <= 0xffff; unit++) {
      const text = String.fromCharCode(unit)
      if (jsonChars(`a${text}b`) !== JSON.stringify(`a${text}b`).slice(1, -1)) wrong.push(unit)
    }
    expect(wrong).toEqual([])
  })

  it('jsonChars() keeps surrogate pairs and escapes lone or reversed halves, as JSON.stringify does', async () => {
    const jsonChars = await load()
    for (const text of [
      '😀',
      'a😀b',
      '\ud83d',
      '\ude00',
      '\ude00\ud83d',
      'x\ud83dy\ude00z',
      '',
      '"\\"',
      'ab"',
      '"ab',
      'a\nb"c',
    ]) {
      expect(jsonChars(text)).toBe(JSON.stringify(text).slice(1, -1))
    }
  })
})

describe('markKind() and kindOf()', () => {
  it('kindOf() reads the kind markKind() gave, and nothing from other values', () => {
    const plugin = markKind({ name: 'x' }, 'relay')
    expect(kindOf(plugin)).toBe('relay')
    expect(Object.keys(plugin)).toEqual(['name'])
    expect(kindOf({ ...plugin })).toBeUndefined()
    for (const other of [{}, null, undefined, 'relay', 7, () => {}]) expect(kindOf(other)).toBeUndefined()
  })

  it('kindOf() knows a plugin marked by another copy of the module (a reload reads the plugins again)', () => {
    const fromAnotherCopy = { name: 'codec', [Symbol.for('udpchat.plugin-kind')]: 'codec' }
    expect(kindOf(fromAnotherCopy)).toBe('codec')
  })
})
