import { describe, expect, it } from 'vitest'
import { encodeUtf8 } from '../../core/index.ts'
import type { BridgedLine } from '../../plugins/_bridge-wire.ts'
import { fresh } from '../helpers/fresh.ts'

// The bridge's wire at its edges: each field's bounds, the payload's size, the window's ring.
// Loaded afresh in each test (see fresh.ts): the bounds are module-level.
const wire = () => fresh(() => import('../../plugins/_bridge-wire.ts'))
const line: BridgedLine = { origin: 'o', seq: 1, relay: 'r', from: 'f', host: 'h', port: 1, text: 't' }
const raw = (fields: Record<string, unknown>) => {
  const { origin: o, seq: s, relay: r, from: f, host: h, port: p, text: t } = line
  return encodeUtf8(JSON.stringify({ v: 1, o, s, r, f, h, p, t, ...fields }))
}

describe('decodeLine() bounds', () => {
  it('takes each field at its bound and refuses it one past, or of another type', async () => {
    const { decodeLine } = await wire()
    const ok = (fields: Record<string, unknown>) => decodeLine(raw(fields)) !== undefined
    const x = (n: number) => 'x'.repeat(n)
    const cases: Array<[Record<string, unknown>, boolean]> = [
      [{}, true],
      [{ v: 2 }, false],
      [{ o: x(64) }, true],
      [{ o: x(65) }, false],
      [{ o: '' }, false],
      [{ o: 5 }, false],
      [{ s: 1.5 }, false],
      [{ s: 0 }, false],
      [{ s: 2 ** 53 }, false],
      [{ s: Number.MAX_SAFE_INTEGER }, true],
      [{ r: x(64) }, true],
      [{ r: x(65) }, false],
      [{ f: x(256) }, true],
      [{ f: x(257) }, false],
      [{ h: x(64) }, true],
      [{ h: x(65) }, false],
      [{ t: x(65_507) }, true],
      [{ t: x(65_508) }, false],
      [{ p: 0 }, true],
      [{ p: 65_535 }, true],
      [{ p: 65_536 }, false],
      [{ p: -1 }, false],
      [{ p: 1.5 }, false],
      [{ p: '1' }, false],
    ]
    for (const field of ['r', 'f', 'h', 't']) cases.push([{ [field]: 5 }, false])
    expect(cases.map(([fields]) => [fields, ok(fields)])).toEqual(cases)
  })

  it('takes a payload of 96 KiB and refuses one byte more', async () => {
    const { decodeLine, MAX_PAYLOAD } = await wire()
    expect(MAX_PAYLOAD).toBe(96 * 1024)
    // Two bytes a character: under the text's bound in characters, at the payload's bound in bytes.
    const base = raw({ t: '' }).byteLength
    const text = 'é'.repeat((MAX_PAYLOAD - base) / 2)
    expect(raw({ t: text }).byteLength).toBe(MAX_PAYLOAD)
    expect(decodeLine(raw({ t: text }))?.text).toBe(text)
    expect(decodeLine(raw({ t: `${text}x` }))).toBeUndefined()
  })
})

describe('SequenceWindow ring', () => {
  it('remembers ids on both sides of a gap and a late line, and the ring slot of a jump', async () => {
    const { SequenceWindow } = await wire()
    const w = new SequenceWindow(8)
    const fresh = (seq: number) => w.accept('a', seq).fresh
    expect([1, 3, 2, 4].map(fresh)).toEqual([true, true, true, true])
    expect([2, 3, 4, 1].map(fresh)).toEqual([false, false, false, false])
    expect([fresh(7), fresh(7)]).toEqual([true, false])
  })

  it('takes a jump to the largest id at once, and counts an id older than the window as seen', async () => {
    const { SequenceWindow } = await wire()
    const w = new SequenceWindow(4)
    w.accept('a', 1)
    expect(w.accept('a', 10)).toEqual({ fresh: true, missed: 8 })
    expect([w.accept('a', 3).fresh, w.accept('a', 7).fresh]).toEqual([false, true])
    expect(w.accept('a', Number.MAX_SAFE_INTEGER)).toEqual({ fresh: true, missed: Number.MAX_SAFE_INTEGER - 11 })
  })

  it('keeps as many origins as it is told to', async () => {
    const { SequenceWindow } = await wire()
    const w = new SequenceWindow(8, 2)
    w.accept('a', 1)
    w.accept('b', 1)
    expect([w.accept('a', 1).fresh, w.accept('b', 1).fresh]).toEqual([false, false])
  })
})
