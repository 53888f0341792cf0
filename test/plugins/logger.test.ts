import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as v from 'valibot'
import { describe, expect, it, vi } from 'vitest'
import { formatAddress, type Address, type Message, type Outgoing } from '../../core/index.ts'
import { logger, uppercaseEcho } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

describe('logger()', () => {
  it('logs each message in and out to the console by default', async () => {
    const t = await kit([logger(), uppercaseEcho()])
    const alice = t.peer('alice', { contact: true })
    const delivery = await alice.send('hi')
    expect(delivery.logs.map((l) => `${l.tag} ${l.text}`)).toEqual([
      `logger <- alice (127.0.0.1:${alice.address.port}): hi`,
      `logger -> alice (127.0.0.1:${alice.address.port}): HI`,
    ])
  })

  it('writes a JSONL transcript, flushed when the chat closes', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'udpchat-logger-')), 'chat.jsonl')
    const t = await kit([logger({ file, flushInterval: 60_000 }), uppercaseEcho()])
    const alice = t.peer()
    const delivery = await alice.send('hi')
    expect(delivery.logs).toEqual([])
    await t.close()
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toMatchObject([
      { dir: 'in', from: `127.0.0.1:${alice.address.port}`, text: 'hi', bytes: 2, encoding: 'utf-8' },
      { dir: 'out', to: `127.0.0.1:${alice.address.port}`, text: 'HI' },
    ])
  })

  // The `out` line is written in the `sent` hook, once the socket took the datagram.
  it('writes no out line for a reply too large to leave', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'udpchat-logger-')), 'chat.jsonl')
    const t = await kit([logger({ file }), uppercaseEcho()])
    const delivery = await t.peer().send('x'.repeat(65_600))
    expect(delivery.expectDrop(/over the datagram limit/).direction).toBe('outbound')
    await t.close()
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => l.dir)).toEqual(['in'])
  })
})

/** What the logger wrote before its lines were built from cached parts: the transcript's format must not change. */
const formerLine = {
  in(m: Message): string {
    const peer = m.meta.peer as string | undefined
    return `{"at":"${new Date(m.at).toISOString()}","dir":"in","from":"${formatAddress(m.from)}"${peer === undefined ? '' : `,"peer":${JSON.stringify(peer)}`},"text":${JSON.stringify(m.text)},"bytes":${m.bytes.byteLength},"encoding":${JSON.stringify(m.encoding)}${m.malformed ? ',"malformed":true' : ''}}`
  },
  out(m: Outgoing, at: number): string {
    const peer = m.meta.peer as string | undefined
    return `{"at":"${new Date(at).toISOString()}","dir":"out","to":"${formatAddress(m.to)}"${peer === undefined ? '' : `,"peer":${JSON.stringify(peer)}`},"text":${JSON.stringify(m.text)}}`
  },
}

type Step = { in: Message } | { out: Outgoing; at: number } | 'tick'

/**
 * Runs the logger's hooks on `steps` with a transcript in a temp dir (`'tick'` fires its flush
 * timer), disposes it, and returns the file's lines, what the old code wrote, and logged errors.
 */
async function transcript(
  steps: readonly Step[],
  file = join(mkdtempSync(join(tmpdir(), 'udpchat-logger-')), 'chat.jsonl'),
) {
  const plugin = logger({ file, flushInterval: 60_000 })
  const ticks: (() => void)[] = []
  const errors: string[] = []
  const warnings: string[] = []
  const reports: Record<string, unknown>[] = []
  const ctx = {
    name: 'logger',
    options: v.parse(plugin.schema as unknown as v.GenericSchema, plugin.options),
    logger: { error: (text: string) => errors.push(text), info: () => {}, warn: (text: string) => warnings.push(text) },
    report: (status: Record<string, unknown>) => reports.push(status),
    setInterval: (fn: () => void) => void ticks.push(fn),
  } as unknown as Parameters<NonNullable<typeof plugin.setup>>[0]
  const expected: string[] = []
  vi.useFakeTimers({ toFake: ['Date'] })
  try {
    await plugin.setup!(ctx)
    for (const step of steps) {
      if (step === 'tick') {
        for (const tick of ticks) tick()
      } else if ('in' in step) {
        expect(plugin.inbound!(step.in, ctx)).toBeUndefined()
        expected.push(formerLine.in(step.in))
      } else {
        vi.setSystemTime(step.at)
        expect(plugin.sent!(step.out, ctx, 0)).toBeUndefined()
        expected.push(formerLine.out(step.out, step.at))
      }
    }
  } finally {
    vi.useRealTimers()
  }
  await plugin.dispose!(ctx)
  const text = file === '/dev/full' ? '' : readFileSync(file, 'utf8')
  return { lines: text.split('\n').slice(0, -1), expected, errors, warnings, reports }
}

const v4: Address = { host: '127.0.0.1', port: 7788, family: 'IPv4' }
const v6: Address = { host: '::1', port: 7789, family: 'IPv6' }
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678)

function received(text: string, more: Partial<Message> = {}): Message {
  return { text, from: v4, at: T0, bytes: Buffer.from(text), encoding: 'utf-8', meta: {}, ...more }
}

const texts = {
  ascii: 'hello, world',
  quotes: 'say "hi" to C:\\temp\\ and \\"',
  controls: 'one\ntwo\r\n\tthree \u0000 \u0008 \u001f \u007f end',
  separators: 'a\u2028b\u2029c',
  chinese: '你好，世界',
  emoji: 'ok 👍🏽 🎉',
  loneHigh: 'x \ud83d y',
  loneLow: '\ude00 at the start',
  reversedPair: '\ude00\ud83d',
  empty: '',
}

describe('logger() transcript lines', () => {
  it('writes each text exactly as JSON.stringify did, in and out', async () => {
    const steps: Step[] = Object.values(texts).flatMap((text, i): Step[] => [
      { in: received(text, { at: T0 + i }) },
      { out: { text: text.toUpperCase(), to: v4, meta: {} }, at: T0 + i },
    ])
    const { lines, expected, errors } = await transcript(steps)
    expect(lines).toEqual(expected)
    expect(lines.map((l) => JSON.parse(l))).toEqual(expected.map((l) => JSON.parse(l)))
    expect(lines.map((l) => JSON.parse(l).text)).toEqual(Object.values(texts).flatMap((t) => [t, t.toUpperCase()]))
    expect(errors).toEqual([])
  })

  it("writes each line's time as toISOString does, however the milliseconds, seconds and days move", async () => {
    // A new millisecond of the same second has its digits written into the kept line start: these
    // go forwards and back within a second, across seconds, days and years, before 1970, and
    // through times that are not whole milliseconds (which a changed message could carry).
    const times = [
      T0,
      T0 + 1,
      T0 + 9,
      T0 + 10,
      T0 + 99,
      T0 + 100,
      T0 + 321,
      T0 + 5,
      T0 + 321,
      T0 + 322,
      Date.UTC(2026, 0, 2, 3, 4, 5, 999),
      Date.UTC(2026, 0, 2, 3, 4, 6, 0),
      Date.UTC(2026, 0, 2, 3, 4, 6, 1),
      Date.UTC(2026, 11, 31, 23, 59, 59, 998),
      Date.UTC(2026, 11, 31, 23, 59, 59, 999),
      Date.UTC(2027, 0, 1),
      -1,
      -999,
      -1000,
      -1001,
      -2,
      0,
      1,
      999,
      1000,
      12.7,
      13,
      13.2,
      14,
      -0.5,
      15,
      -1999,
      -1000.5,
    ]
    const steps = times.flatMap((at, i): Step[] => [
      { in: received(`at ${i}`, { at }) },
      { out: { text: `AT ${i}`, to: v4, meta: {} }, at: Math.trunc(at) },
    ])
    const { lines, expected, errors } = await transcript(steps)
    expect(lines).toEqual(expected)
    expect(lines.filter((_, i) => i % 2 === 0).map((l) => JSON.parse(l).at)).toEqual(
      times.map((at) => new Date(at).toISOString()),
    )
    expect(errors).toEqual([])
  })

  it("writes each inbound line's size as before, however the sizes and encodings change", async () => {
    // The tail after the text is kept per count of digits in the size, and per encoding.
    const sizes = [0, 1, 9, 10, 99, 100, 5, 999, 1000, 9999, 10_000, 65_507, 7, 10, 100, 1000, 10_000, 3]
    const steps = sizes.flatMap((size, i): Step[] => [
      { in: received('x', { bytes: Buffer.alloc(size) }) },
      { in: received('y', { bytes: Buffer.alloc(size), encoding: i % 3 ? 'gbk' : 'utf-8', malformed: i % 4 === 0 }) },
    ])
    const { lines, expected } = await transcript(steps)
    expect(lines).toEqual(expected)
    expect(lines.filter((_, i) => i % 2 === 0).map((l) => JSON.parse(l).bytes)).toEqual(sizes)
  })

  it('writes peers, IPv6 addresses, encodings and malformed messages as before', async () => {
    const { lines, expected } = await transcript([
      { in: received('hi', { meta: { peer: 'alice' } }) },
      { out: { text: 'HI', to: v4, meta: { peer: 'alice' } }, at: T0 },
      { in: received('hi', { meta: { peer: 'bob "the" \\builder' }, from: v6 }) },
      { in: received('hi', { meta: { peer: '鲍勃' }, from: v6 }) },
      { out: { text: 'to a zone', to: { host: 'fe80::1%eth0', port: 1, family: 'IPv6' }, meta: {} }, at: T0 },
      { in: received('\ufffd?', { encoding: 'gbk', malformed: true }) },
      { in: received('back to utf-8', { from: { ...v4, port: 7790 } }) },
      { in: received('gbk again', { encoding: 'gbk' }) },
      { out: { text: 'later', to: v6, meta: {} }, at: T0 + 1 },
      { out: { text: 'no peer now', to: v6, meta: {} }, at: T0 + 1 },
    ])
    expect(lines).toEqual(expected)
    expect(JSON.parse(lines[1]!)).toMatchObject({ dir: 'out', to: '127.0.0.1:7788', peer: 'alice' })
    expect(JSON.parse(lines[2]!)).toMatchObject({ from: '[::1]:7789', peer: 'bob "the" \\builder' })
    expect(JSON.parse(lines[5]!)).toMatchObject({ encoding: 'gbk', malformed: true })
    expect(JSON.parse(lines[6]!)).not.toHaveProperty('malformed')
    expect(JSON.parse(lines[9]!)).not.toHaveProperty('peer')
  })

  it('writes lines longer than a batch whole', async () => {
    const long = ['x'.repeat(70_000), '"\\'.repeat(40_000), '😀'.repeat(40_000), 'é\ud800'.repeat(30_000)]
    const { lines, expected } = await transcript([
      { in: received('before') },
      ...long.map((text): Step => ({ in: received(text) })),
      { out: { text: long[0]!, to: v4, meta: {} }, at: T0 },
      { in: received('after') },
    ])
    expect(lines).toEqual(expected)
    expect(lines.map((l) => JSON.parse(l).text)).toEqual(['before', ...long, long[0], 'after'])
  })

  it('keeps the order of many lines across batches and timer flushes', async () => {
    const steps: Step[] = []
    for (let i = 0; i < 3000; i++) {
      const from = { ...(i % 3 ? v4 : v6), port: 7000 + (i % 5) }
      steps.push({
        in: received(`message ${i} ${'.'.repeat(i % 97)}${i % 50 ? '' : ' "quoted"'}`, { from, at: T0 + (i >> 4) }),
      })
      steps.push({
        out: { text: `REPLY ${i}`, to: from, meta: i % 7 ? {} : { peer: `peer${i % 3}` } },
        at: T0 + (i >> 3),
      })
      if (i % 400 === 399) steps.push('tick')
    }
    const { lines, expected } = await transcript(steps)
    expect(lines.length).toBe(6000)
    expect(lines).toEqual(expected)
  })

  it('escapes random texts as JSON.stringify does', async () => {
    const units = [
      0x41, 0x20, 0x22, 0x5c, 0x00, 0x0a, 0x1f, 0x7f, 0xe9, 0x2028, 0x4f60, 0xd83d, 0xde00, 0xdbff, 0xdc00, 0xfffd,
    ]
    let seed = 1
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 8) % n
    const steps = Array.from({ length: 2000 }, (): Step => {
      const text = String.fromCharCode(...Array.from({ length: random(12) }, () => units[random(units.length)]!))
      return { in: received(text) }
    })
    const { lines, expected } = await transcript(steps)
    expect(lines).toEqual(expected)
  })

  it.skipIf(!existsSync('/dev/full'))(
    'reports a failing file once, naming it, lets messages pass, and counts the lines not written',
    async () => {
      const { errors, warnings, reports } = await transcript(
        [{ in: received('one') }, 'tick', 'tick', { in: received('two') }, 'tick'],
        '/dev/full',
      )
      // The first failed write says so; the retries at each tick and at the end stay quiet.
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatch(/^Cannot write \/dev\/full: .*ENOSPC.*keeping its lines/)
      expect(warnings).toEqual(['2 lines were not written to /dev/full'])
      expect(reports).toEqual([{ file: '/dev/full', unwritten: 2 }])
    },
  )
})
