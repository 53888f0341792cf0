import { describe, expect, it } from 'vitest'
import { encodeUtf8 } from '../../core/index.ts'
import { decodeLine, encodeLine, MAX_PAYLOAD, SequenceWindow, type BridgedLine } from '../../plugins/_bridge-wire.ts'

const line: BridgedLine = {
  origin: 'o1',
  seq: 7,
  relay: 'east',
  from: 'alice',
  host: '127.0.0.1',
  port: 5000,
  text: 'hi: {from} "quoted"',
}

describe('natsBridge() wire', () => {
  it('decodeLine() reads what encodeLine() wrote', () => {
    expect(decodeLine(encodeLine(line))).toEqual(line)
  })

  it('decodeLine() refuses what is not a line of a bridge, without throwing', () => {
    const bad = [
      '',
      'null',
      '[]',
      '{"v":2}',
      'not json',
      JSON.stringify({ ...JSON.parse('{}'), v: 1, o: 'o', s: 0, r: '', f: '', h: '', p: 1, t: '' }),
    ]
    bad.push(JSON.stringify({ v: 1, o: 'o', s: 1, r: 'r', f: 'f', h: 'h', p: 70000, t: 't' }))
    bad.push(JSON.stringify({ v: 1, o: 'x'.repeat(65), s: 1, r: 'r', f: 'f', h: 'h', p: 1, t: 't' }))
    bad.push(JSON.stringify({ v: 1, o: 'o', s: 1, r: 'r', f: 'f', h: 'h', p: 1, t: 'x'.repeat(65_508) }))
    for (const text of bad) expect(decodeLine(encodeUtf8(text)), text).toBeUndefined()
    expect(decodeLine(new Uint8Array(MAX_PAYLOAD + 1))).toBeUndefined()
  })
})

describe('SequenceWindow', () => {
  it('SequenceWindow takes each id once, counts gaps, and a late line fills its gap', () => {
    const w = new SequenceWindow(8)
    expect(w.accept('a', 5)).toEqual({ fresh: true, missed: 0 })
    expect(w.accept('a', 5)).toEqual({ fresh: false, missed: 0 })
    expect(w.accept('a', 8)).toEqual({ fresh: true, missed: 2 })
    expect(w.accept('a', 7)).toEqual({ fresh: true, missed: -1 })
    expect(w.accept('a', 7)).toEqual({ fresh: false, missed: 0 })
    expect(w.accept('b', 1)).toEqual({ fresh: true, missed: 0 })
  })

  it('SequenceWindow drops what is older than its window and forgets the least recent origin past its bound', () => {
    const w = new SequenceWindow(4, 2)
    w.accept('a', 1)
    w.accept('a', 10)
    expect(w.accept('a', 6)).toEqual({ fresh: false, missed: 0 })
    // Slots reused past the window start empty: 9 was never seen.
    expect(w.accept('a', 9)).toEqual({ fresh: true, missed: -1 })
    w.accept('b', 1)
    w.accept('c', 1)
    // 'a' was forgotten: its next line is a first line again.
    expect(w.accept('a', 10)).toEqual({ fresh: true, missed: 0 })
  })
})
