import { describe, expect, it } from 'vitest'
import { parseEol, parseMs } from '../../cli/_flags.ts'
import { forStream, visible } from '../../cli/_visible.ts'
import { formatPlugins } from '../../cli/commands/plugins.ts'

describe('visible', () => {
  it('writes out every character that can drive a terminal, and leaves the rest', () => {
    expect(visible('plain\ttext é')).toBe('plain\ttext é')
    expect(visible('a\nb\rc\x1b[2J')).toBe('a\\nb\\rc\\e[2J')
    expect(visible('\x07\x00\x7f\x9b')).toBe('\\x07\\x00\\x7f\\x9b')
    expect(visible('\u202eevil\u2028')).toBe('\\u202eevil\\u2028')
    // Twice in a row: the pattern's state does not carry over.
    expect(visible('\x07')).toBe('\\x07')
  })

  it('forStream escapes only for a terminal', () => {
    expect(forStream({ isTTY: true })('\x1b')).toBe('\\e')
    expect(forStream({ isTTY: false })('\x1b')).toBe('\x1b')
    expect(forStream({})('\x1b')).toBe('\x1b')
  })
})

describe('line flags', () => {
  it('nothing given: no line end, no duration', () => {
    expect(parseEol(undefined)).toBe('')
    expect(parseMs(undefined, '--linger')).toBeUndefined()
    expect(parseMs('0', '--linger')).toBe(0)
  })
})

describe('formatPlugins', () => {
  it('aligns names (with their enforce), lists hooks (off ones marked) or none, and options to depth 4 on one line', () => {
    const deep = { a: { b: { c: { d: { e: { f: 1 } } } } }, long: 'x'.repeat(90) }
    const text = formatPlugins(
      [
        { name: 'codec', enforce: 'pre', hooks: ['decode', 'encode'], off: ['encode'], options: 'gbk' },
        { name: 'a', hooks: [], off: [], options: deep },
      ] as unknown as Parameters<typeof formatPlugins>[0],
      (s) => `<${s}>`,
    )
    expect(text).toBe(
      "  1. codec (pre)  <decode, encode (off)>  'gbk'\n" +
        `  2. a            <no hooks>  { a: { b: { c: { d: { e: [Object] } } } }, long: '${'x'.repeat(90)}' }`,
    )
  })
})
