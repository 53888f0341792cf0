import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as v from 'valibot'
import { describe, expect, it, vi } from 'vitest'
import type { Address, Message } from '../../core/index.ts'
import { logger } from '../../plugins/index.ts'

const AT = Date.UTC(2026, 0, 2, 3, 4, 5, 678)

/** Runs the logger's inbound hook on each message at one and the same millisecond; returns the transcript's lines. */
async function linesFor(messages: Message[], hook: 'inbound' | 'sent' = 'inbound'): Promise<Record<string, unknown>[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'udpchat-logger-')), 'chat.jsonl')
  const plugin = logger({ file })
  const ctx = {
    name: 'logger',
    options: v.parse(plugin.schema as unknown as v.GenericSchema, plugin.options),
    logger: { error: () => {}, info: () => {}, warn: () => {} },
    report: () => {},
    setInterval: () => {},
  } as unknown as Parameters<NonNullable<typeof plugin.setup>>[0]
  vi.useFakeTimers({ toFake: ['Date'], now: AT })
  try {
    await plugin.setup!(ctx)
    for (const message of messages)
      if (hook === 'inbound') plugin.inbound!(message, ctx)
      else plugin.sent!({ text: message.text, to: message.from, meta: message.meta }, ctx, message.bytes.byteLength)
  } finally {
    vi.useRealTimers()
  }
  await plugin.dispose!(ctx)
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

const from = (host: string, port = 7000): Address => ({ host, port, family: 'IPv4' })
const message = (more: Partial<Message>): Message => ({
  text: 'hi',
  from: from('127.0.0.1'),
  at: AT,
  bytes: Buffer.from('hi'),
  encoding: 'utf-8',
  meta: {},
  ...more,
})

describe('logger() transcript lines at one millisecond', () => {
  it('logger() names each sender, when only the host changes between lines', async () => {
    const lines = await linesFor([message({ from: from('127.0.0.1') }), message({ from: from('127.0.0.2') })])
    expect(lines.map((l) => l.from)).toEqual(['127.0.0.1:7000', '127.0.0.2:7000'])
  })

  it('logger() writes each encoding and the malformed flag, when only they change between lines', async () => {
    const lines = await linesFor([
      message({ encoding: 'utf-8' }),
      message({ encoding: 'gbk' }),
      message({ encoding: 'gbk', malformed: true }),
      message({ encoding: 'gbk' }),
    ])
    expect(lines.map((l) => [l.encoding, l.malformed ?? false, l.bytes])).toEqual([
      ['utf-8', false, 2],
      ['gbk', false, 2],
      ['gbk', true, 2],
      ['gbk', false, 2],
    ])
  })
})

describe('logger() transcript bytes, ASCII and not in one batch', () => {
  // A batch of ASCII-only lines is written one byte a char; a char past ASCII (even one that
  // fits in a byte, as é) must make the whole batch UTF-8, wherever in the line it is.
  // Each case in a transcript of its own, so that its lines share one batch (one write).
  it.each([
    ['a Latin-1 letter (é)', ['hello', 'café', 'bye']],
    ['the last Latin-1 char (ÿ)', ['hello', 'x\u00ff']],
    ['CJK text', ['hello', '你好']],
    ['a DEL char', ['hello', 'a\u007fb']],
    ['a tab (escaped)', ['hello', 'tab\there']],
    ['a quote and a backslash (escaped)', ['hello', 'quote " and \\']],
  ])('logger() writes exact UTF-8 when ASCII lines share a batch with %s', async (_, texts) => {
    const lines = await linesFor(texts.map((text) => message({ text, bytes: Buffer.from(text) })))
    expect(lines.map((l) => l.text)).toEqual(texts)
  })

  it("logger() writes exact UTF-8 when the only char past ASCII is in a peer's name", async () => {
    const lines = await linesFor([message({ text: 'hi' }), message({ text: 'from zoe', meta: { peer: 'Zoë' } })])
    expect(lines.map((l) => [l.peer, l.text])).toEqual([
      [undefined, 'hi'],
      ['Zoë', 'from zoe'],
    ])
  })

  it("logger() writes exact UTF-8 out lines when the only char past ASCII is in a peer's name or the text", async () => {
    const lines = await linesFor(
      [message({ text: 'hi' }), message({ text: 'to zoe', meta: { peer: 'Zoë' } }), message({ text: 'ok' })],
      'sent',
    )
    expect(lines.map((l) => [l.dir, l.peer, l.text])).toEqual([
      ['out', undefined, 'hi'],
      ['out', 'Zoë', 'to zoe'],
      ['out', undefined, 'ok'],
    ])
    const texts = ['hi', 'ça va']
    expect(
      (
        await linesFor(
          texts.map((text) => message({ text })),
          'sent',
        )
      ).map((l) => l.text),
    ).toEqual(texts)
  })

  it('logger() writes ASCII-only batches byte for byte as UTF-8 would', async () => {
    const texts = Array.from({ length: 300 }, (_, i) => `line ${i}: ${'~'.repeat(i % 40)}!`)
    const lines = await linesFor(texts.map((text) => message({ text, bytes: Buffer.from(text) })))
    expect(lines.map((l) => l.text)).toEqual(texts)
  })
})
