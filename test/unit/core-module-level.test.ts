import { describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { fresh } from '../helpers/fresh.ts'

// What small core modules keep at module level (tables, patterns, schemas, sets), loaded afresh
// inside each test (test/helpers/fresh.ts) so that mutation testing reaches it, and the edges
// of the functions beside it.
describe('findUnknownKey()', () => {
  const load = async () => (await fresh(() => import('../../core/unknown-keys.ts'))).findUnknownKey
  const obj = v.object({ a: v.number(), b: v.optional(v.object({ c: v.number() })) })

  it('names the first key an object schema does not declare, with its path and the keys it knows', async () => {
    const find = await load()
    expect(find(obj, { a: 1, x: 2 })).toEqual({ path: [], key: 'x', known: ['a', 'b'] })
    expect(find(obj, { a: 1, b: { c: 1, d: 2 } })).toEqual({ path: ['b'], key: 'd', known: ['c'] })
    expect(find(obj, { a: 1, b: { c: 1 } })).toBeUndefined()
  })

  it('looks through every wrapper, and not into nothing', async () => {
    const find = await load()
    const inner = v.object({ c: v.number() })
    for (const wrapped of [
      v.optional(inner),
      v.exactOptional(inner),
      v.nullable(inner),
      v.nullish(inner),
      v.undefinedable(inner),
      v.nonOptional(v.optional(inner)),
    ]) {
      expect(find(wrapped, { d: 1 })).toMatchObject({ key: 'd' })
      expect(find(wrapped, null)).toBeUndefined()
      expect(find(wrapped, undefined)).toBeUndefined()
    }
  })

  it('looks into each item of an array, past the first', async () => {
    const find = await load()
    const list = v.array(v.object({ c: v.number() }))
    expect(find(list, [{ c: 1 }, { c: 2, d: 3 }])).toEqual({ path: [1], key: 'd', known: ['c'] })
    expect(find(list, { d: 1 })).toBeUndefined()
    expect(find(v.object({ c: v.number() }), [{ d: 1 }])).toBeUndefined()
  })

  it('looks into a union only when one branch takes objects (wrapped or not)', async () => {
    const find = await load()
    const one = v.union([v.string(), v.optional(v.object({ c: v.number() }))])
    expect(find(one, { d: 1 })).toMatchObject({ key: 'd', known: ['c'] })
    expect(find(one, 'text')).toBeUndefined()
    const two = v.union([v.object({ c: v.number() }), v.object({ e: v.number() })])
    expect(find(two, { d: 1 })).toBeUndefined()
    expect(find(v.union([v.string(), v.number()]), { d: 1 })).toBeUndefined()
  })

  it('leaves intersections alone: a key another part declares is not unknown', async () => {
    const find = await load()
    const both = v.intersect([v.object({ a: v.number() }), v.looseObject({})])
    expect(v.parse(both, { a: 1, b: 2 })).toEqual({ a: 1, b: 2 })
    expect(find(both, { a: 1, b: 2 })).toBeUndefined()
  })

  it('leaves loose objects, records, and what is not a schema alone', async () => {
    const find = await load()
    expect(find(v.looseObject({ c: v.number() }), { d: 1 })).toBeUndefined()
    expect(find(v.record(v.string(), v.number()), { d: 1 })).toBeUndefined()
    for (const schema of [undefined, null, 'object', 1]) expect(find(schema, { d: 1 })).toBeUndefined()
    expect(find(v.object({ c: v.number() }), /d/)).toBeUndefined()
  })
})

describe('hex.ts', () => {
  const load = () => fresh(() => import('../../core/hex.ts'))

  it('writes and reads every byte, forgiving the separators people use', async () => {
    const { parseHex, toHex } = await load()
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(toHex(Uint8Array.of(0, 0x0f, 0xa0, 0xff))).toBe('00 0f a0 ff')
    expect(parseHex(toHex(all))).toEqual(all)
    expect([...parseHex('0x68, 0x69;\\x0d-0a:ff')]).toEqual([0x68, 0x69, 0x0d, 0x0a, 0xff])
  })

  it('refuses what is not hex as a usage error, and clips a long text past 40 characters', async () => {
    const { parseHex } = await load()
    const long = `zz${'0'.repeat(40)}`
    expect(() => parseHex(long)).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message: `Expected hex bytes (such as \`68 69 0d 0a\`), got \`z\` in \`${long.slice(0, 40)}...\``,
      }),
    )
    const forty = `z${'0'.repeat(39)}`
    expect(() => parseHex(forty)).toThrow(`in \`${forty}\``)
    expect(() => parseHex('abc')).toThrow(expect.objectContaining({ code: 'E_USAGE' }))
  })

  it('shows a space as itself, and adds no "more" row when the bytes fill the rows exactly', async () => {
    const { hexDump } = await load()
    expect(hexDump(Uint8Array.of(0x20, 0x1f, 0x7e, 0x7f))[0]).toMatch(/  \s\.~\.$/)
    expect(hexDump(new Uint8Array(32), 2)).toHaveLength(2)
    expect(hexDump(new Uint8Array(33), 2)).toHaveLength(3)
  })
})

describe('the limits schema, utf8, and contacts (modules loaded afresh)', () => {
  it('takes false for each limit, and names what each expects', async () => {
    const { resolveConfig } = await fresh(() => import('../../core/config.ts'))
    const off = resolveConfig({ limits: { perSource: false, answers: false, amplification: false } }).limits
    expect(off).toMatchObject({ perSource: false, answers: false, amplification: false })
    const message = (limits: unknown) => {
      try {
        resolveConfig({ limits }, 'x.ts')
      } catch (error) {
        return (error as Error).message
      }
      return 'accepted'
    }
    expect(message({ perSource: { rate: 0 } })).toBe(
      'x.ts: limits.perSource.rate: expected a rate per second above 0, got `0` (number)',
    )
    expect(message({ answers: { rate: 1, burst: 0 } })).toBe(
      'x.ts: limits.answers.burst: expected a burst above 0, got `0` (number)',
    )
    expect(message({ answers: true })).toBe(
      'x.ts: limits.answers: expected `false` or `{ rate, burst?, refused? }`, got `true` (boolean)',
    )
    expect(message({ amplification: 0 })).toBe(
      'x.ts: limits.amplification: expected a factor above 0, got `0` (number)',
    )
    expect(message({ amplification: 'x' })).toBe(
      'x.ts: limits.amplification: expected `false` or a factor such as 3, got `"x"` (string)',
    )
    expect(message({ allowance: 'x' })).toBe('x.ts: limits.allowance: expected a number of bytes, got `"x"` (string)')
    expect(message({ allowance: -1 })).toBe(
      'x.ts: limits.allowance: expected a number of bytes, 0 or more, got `-1` (number)',
    )
  })

  it('decodeUtf8() flags bytes that do not decode, still as utf-8', async () => {
    const { decodeUtf8 } = await fresh(() => import('../../core/utf8.ts'))
    expect(decodeUtf8(Uint8Array.of(0x68, 0xff))).toEqual({ text: 'h\ufffd', encoding: 'utf-8', malformed: true })
    expect(decodeUtf8(Uint8Array.of(0x68))).toEqual({ text: 'h', encoding: 'utf-8' })
  })

  it('createPeers() keys contacts by host and port', async () => {
    const { createPeers } = await fresh(() => import('../../core/peers.ts'))
    const { createMemoryNetwork } = await import('../../core/testing.ts')
    const peers = await createPeers({ a: '10.0.0.1:1', b: '10.0.0.1:2' }, createMemoryNetwork().transport)
    expect([peers.nameOf({ host: '10.0.0.1', port: 1 }), peers.nameOf({ host: '10.0.0.1', port: 2 })]).toEqual([
      'a',
      'b',
    ])
  })
})

describe('loadConfig(): where a load error is', () => {
  it('takes only a line that is a whole FILE:LINE:COLUMN, with numbers of any length', async () => {
    const { loadConfig } = await import('../../core/load.ts')
    const failing = (message: string) => ({ import: () => Promise.reject(new Error(message)) })
    const said = (message: string) =>
      loadConfig('/x/c.ts', { loader: failing(message), label: 'c.ts' }).catch((e: Error) => e.message)
    expect(await said('boom\n  /x/a.ts:12:34  ')).toBe('c.ts: cannot load the config: boom (at /x/a.ts:12:34)')
    expect(await said('boom\n    at /x/a.ts:1:2')).toBe('c.ts: cannot load the config: boom')
    expect(await said('boom\n/x/a.ts:1:2 and more')).toBe('c.ts: cannot load the config: boom')
  })
})

describe('core/hooks.ts, the table of hooks', () => {
  const load = () => fresh(() => import('../../core/hooks.ts'))

  it('names the hooks that shape the wire (what `chat join` keeps of a config) and those that see datagrams', async () => {
    const { WIRE_HOOKS, MESSAGE_HOOKS, HOOK_NAMES } = await load()
    expect(WIRE_HOOKS).toEqual(['unwrap', 'decode', 'encode', 'wrap'])
    expect(MESSAGE_HOOKS).toEqual(['unwrap', 'decode', 'inbound', 'outbound', 'encode', 'wrap', 'sent'])
    expect(HOOK_NAMES.at(0)).toBe('setup')
    expect(HOOK_NAMES.at(-1)).toBe('dispose')
  })

  it('runs wrap and dispose, and only those, in reverse plugin order', async () => {
    const { REVERSED, HOOK_NAMES } = await load()
    expect(HOOK_NAMES.filter((hook) => REVERSED.has(hook))).toEqual(['wrap', 'dispose'])
  })
})

describe('the in-memory network and the test kit, loaded afresh', () => {
  it('keys each socket by host and port, and knows only IP addresses', async () => {
    const { createMemoryNetwork } = await fresh(() => import('../../core/runtime/memory.ts'))
    const network = createMemoryNetwork()
    const got: string[] = []
    const a = network.bindNow({ host: '127.0.0.1', port: 0, onDatagram: () => got.push('a'), onError() {} })
    const b = network.bindNow({ host: '127.0.0.2', port: 5000, onDatagram: () => got.push('b'), onError() {} })
    network.deliver(Uint8Array.of(1), b.local, a.local)
    expect(got).toEqual(['a'])
    const bind = () => network.bindNow({ host: 'relay.invalid', port: 0, onDatagram() {}, onError() {} })
    expect(bind).toThrow('the memory network knows only IP addresses')
    await a.close()
    await b.close()
  })

  it('expectReply matches a reply by text or pattern, and shows what it expected when none does', async () => {
    const { createTestChat } = await fresh(() => import('../../core/testing.ts'))
    const echo = {
      name: 'echo',
      inbound: (m: { text: string }, ctx: { reply: (m: unknown, t: string) => void }) => void ctx.reply(m, m.text),
    }
    const t = await createTestChat([echo as never])
    try {
      const peer = t.peer()
      ;(await peer.send('hi')).expectReply('hi')
      ;(await peer.send('ho')).expectReply(/^h/)
      await expect((async () => (await peer.send('x')).expectReply('y'))()).rejects.toThrow('"y"')
      await expect((async () => (await peer.send('x')).expectReply(/^y/))()).rejects.toThrow('/^y/')
    } finally {
      await t.close()
    }
  })
})
