import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as v from 'valibot'
import { describe, expect, it, vi } from 'vitest'
import type { Address, Message } from '../../core/index.ts'
import { logger } from '../../plugins/index.ts'

const AT = Date.UTC(2026, 0, 2, 3, 4, 5, 678)

/** Runs the logger's inbound hook on each message at one and the same millisecond; returns the transcript's lines. */
async function linesFor(messages: Message[]): Promise<Record<string, unknown>[]> {
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
    for (const message of messages) plugin.inbound!(message, ctx)
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
