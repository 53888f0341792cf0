import { describe, expect, it } from 'vitest'
import { definePlugin, type Plugin } from '../../core/index.ts'
import { comparePlugins, describeReload, type ReloadReport } from '../../core/reload-report.ts'
import { closest, didYouMean } from '../../core/suggest.ts'

// What a reload reports (which plugins were added, removed, changed, kept) and the line the
// CLI prints for it; the did-you-mean of an unknown key.
const slot = (plugin: Plugin, options?: unknown) => ({ plugin, options })
const named = (name: string, extra: Partial<Plugin> = {}) => definePlugin({ name, ...extra })

describe('comparePlugins()', () => {
  it('sorts plugins into added, removed, changed and unchanged by name', () => {
    const report = comparePlugins(
      [slot(named('keep')), slot(named('gone')), slot(named('opts'), { a: 1 })],
      [slot(named('keep')), slot(named('new')), slot(named('opts'), { a: 2 })],
    )
    expect(report).toEqual({ added: ['new'], removed: ['gone'], changed: ['opts'], unchanged: ['keep'] })
  })

  it('tells a second plugin of the same name apart as name#2', () => {
    const report = comparePlugins([slot(named('relay'))], [slot(named('relay')), slot(named('relay'), { port: 2 })])
    expect(report).toEqual({ added: ['relay#2'], removed: [], changed: [], unchanged: ['relay'] })
  })

  it('compares options deeply: nested objects, arrays, RegExps, functions by source', () => {
    const same = (a: unknown, b: unknown) =>
      comparePlugins([slot(named('p'), a)], [slot(named('p'), b)]).unchanged.length === 1
    expect(same({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true)
    expect(same({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false)
    expect(same({ a: 1 }, { a: 1, b: undefined })).toBe(false)
    expect(same([1, 2], [1, 2, 3])).toBe(false)
    expect(same([1], { 0: 1 })).toBe(false)
    expect(same(/a/i, /a/i)).toBe(true)
    expect(same(/a/i, /a/g)).toBe(false)
    expect(same(/a/, '/a/')).toBe(false)
    expect(same({ r: /a/ }, { r: { source: 'a' } })).toBe(false)
    expect(same({ r: /a/ }, { r: {} })).toBe(false)
    expect(
      same(
        () => 1,
        () => 1,
      ),
    ).toBe(true)
    expect(
      same(
        () => 1,
        () => 2,
      ),
    ).toBe(false)
    expect(same(null, null)).toBe(true)
    expect(same(null, {})).toBe(false)
    expect(same({}, null)).toBe(false)
    expect(same(1, '1')).toBe(false)
    expect(same(1, 2)).toBe(false)
    expect(same(Number.NaN, Number.NaN)).toBe(true)
    expect(same(undefined, undefined)).toBe(true)
  })

  it('stops comparing past 8 levels of nesting and calls the options changed', () => {
    const deep = (n: number): unknown => (n === 0 ? 'leaf' : { next: deep(n - 1) })
    const same = (a: unknown, b: unknown) =>
      comparePlugins([slot(named('p'), a)], [slot(named('p'), b)]).unchanged.length === 1
    expect(same(deep(8), deep(8))).toBe(true)
    expect(same(deep(9), deep(9))).toBe(true)
    expect(same(deep(10), deep(10))).toBe(false)
  })

  it('calls a plugin changed when its hook code, enforce or onError differ', () => {
    const changed = (a: Partial<Plugin>, b: Partial<Plugin>) =>
      comparePlugins([slot(named('p', a))], [slot(named('p', b))]).changed
    expect(changed({ inbound: (m) => m }, { inbound: (m) => m })).toEqual([])
    expect(changed({ inbound: (m) => m }, { inbound: (m) => ({ ...m, text: '' }) })).toEqual(['p'])
    expect(changed({ inbound: (m) => m }, {})).toEqual(['p'])
    expect(changed({ enforce: 'pre' }, { enforce: 'post' })).toEqual(['p'])
    expect(changed({ onError: 'drop' }, {})).toEqual(['p'])
    expect(changed({ dispose: () => {} }, { dispose: () => {} })).toEqual([])
  })
})

describe('describeReload()', () => {
  const report = (over: Partial<ReloadReport>): ReloadReport => ({
    added: [],
    removed: [],
    changed: [],
    unchanged: [],
    swapMs: 2.25,
    ms: 9,
    errors: [],
    notes: [],
    ...over,
  })

  it('says what changed, the load time counted in', () => {
    expect(
      describeReload(report({ added: ['a', 'b'], removed: ['c'], changed: ['d'], unchanged: ['e', 'f'] }), 10),
    ).toBe('reloaded in 12.3 ms: added a, b; removed c; changed d (options or code); 2 unchanged')
    expect(describeReload(report({ removed: ['c', 'g'], changed: ['d', 'h'] }))).toBe(
      'reloaded in 2.3 ms: removed c, g; changed d, h (options or code)',
    )
  })

  it('says no plugin changed when none did', () => {
    expect(describeReload(report({ unchanged: ['e'] }))).toBe('reloaded in 2.3 ms: no plugin changed; 1 unchanged')
    expect(describeReload(report({}))).toBe('reloaded in 2.3 ms: no plugin changed')
  })
})

describe('closest() and didYouMean()', () => {
  const keys = ['host', 'port', 'peers', 'plugins', 'recvBufferSize']

  it('finds a typo within a third of the letters, a swap counting as one, case aside', () => {
    expect(closest('prot', keys)).toBe('port')
    expect(closest('pulgins', keys)).toBe('plugins')
    expect(closest('Host', keys)).toBe('host')
    expect(closest('hots', keys)).toBe('host')
    expect(closest('recvbuffersize', keys)).toBe('recvBufferSize')
    expect(closest('recvBuferSiz', keys)).toBe('recvBufferSize')
  })

  it('suggests nothing when no candidate is close enough', () => {
    expect(closest('xyzzy', keys)).toBeUndefined()
    expect(closest('prts', keys)).toBeUndefined()
    expect(closest('recvBufSz', keys)).toBeUndefined()
    expect(closest('p', ['abc'])).toBeUndefined()
    expect(closest('a', ['b'])).toBe('b')
  })

  it('prefers the closest of several candidates, the first of equals', () => {
    expect(closest('peer', ['peers', 'peer1'])).toBe('peers')
    expect(closest('pears', ['peers', 'pearl'])).toBe('peers')
    expect(closest('abcd', ['abxd', 'abcd'])).toBe('abcd')
  })

  it('says it as "; did you mean `x`?", or nothing', () => {
    expect(didYouMean('prot', keys)).toBe('; did you mean `port`?')
    expect(didYouMean('prot', keys, (s) => `--${s}`)).toBe('; did you mean --port?')
    expect(didYouMean('xyzzy', keys)).toBe('')
  })
})
