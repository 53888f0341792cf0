import * as v from 'valibot'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '../../core/index.ts'
import { fresh } from '../helpers/fresh.ts'
import { PlannedFile, type MakeBatched } from '../helpers/planned-file.ts'

const PATH = '/var/log/chat.jsonl'
/** A small backlog bound, so that a few lines go past it. */
const LIMIT = 4096

afterEach(() => {
  vi.restoreAllMocks()
})

/**
 * A logger (loaded afresh: its messages use a module-level bound) whose transcript is a planned
 * handle in place of PATH; `tick()` fires its flush timer. What it logs and reports is kept.
 */
async function plannedLogger(handle: PlannedFile, options: { file?: string } = { file: PATH }) {
  const { logger } = await fresh(() => import('../../plugins/logger.ts'))
  const { BatchedFile } = await import('../../plugins/_batched-file.ts')
  vi.spyOn(BatchedFile, 'open').mockImplementation(
    async (_path, onTrouble) => new (BatchedFile as unknown as MakeBatched)(handle, onTrouble, LIMIT),
  )
  const plugin = logger(options)
  const ticks: (() => void)[] = []
  const logs: string[] = []
  const reports: Record<string, unknown>[] = []
  const ctx = {
    name: 'logger',
    options: v.parse(plugin.schema as unknown as v.GenericSchema, plugin.options),
    logger: {
      error: (text: string) => logs.push(`error ${text}`),
      info: (text: string) => logs.push(`info ${text}`),
      warn: (text: string) => logs.push(`warn ${text}`),
    },
    report: (status: Record<string, unknown>) => reports.push(status),
    setInterval: (fn: () => void) => void ticks.push(fn),
  } as unknown as Parameters<NonNullable<typeof plugin.setup>>[0]
  await plugin.setup!(ctx)
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0))
  return {
    logs,
    reports,
    receive: (text: string) => plugin.inbound!(message(text), ctx),
    /** Fires the flush timer and lets the write it queued end. */
    tick: async () => {
      for (const tick of ticks) tick()
      await settled()
    },
    dispose: () => plugin.dispose!(ctx),
  }
}

const message = (text: string): Message => ({
  text,
  from: { host: '127.0.0.1', port: 7000, family: 'IPv4' },
  at: Date.UTC(2026, 0, 2),
  bytes: Buffer.from(text),
  encoding: 'utf-8',
  meta: {},
})

const ERROR = `error Cannot write ${PATH}: Error: ENOSPC: no space left on device, write; keeping its lines (up to 8 MiB) to write them when it works again`

describe('logger() when its file fails and works again', () => {
  it('says so once each way, and writes the lines it kept, in order', async () => {
    const handle = new PlannedFile([], 'fail')
    const chat = await plannedLogger(handle)
    chat.receive('one')
    await chat.tick()
    chat.receive('two')
    await chat.tick()
    handle.then = 'ok'
    await chat.tick()
    chat.receive('three')
    await chat.dispose()
    expect(chat.logs).toEqual([ERROR, `info Writing ${PATH} again`])
    expect(chat.reports).toEqual([])
    expect(
      handle.text
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line).text),
    ).toEqual(['one', 'two', 'three'])
  })

  it('says how many lines it could not keep meanwhile, and counts them at the end', async () => {
    const handle = new PlannedFile([], 'fail')
    const chat = await plannedLogger(handle)
    const big = (fill: string) => fill.repeat(LIMIT / 2)
    chat.receive('one')
    await chat.tick()
    chat.receive(big('a'))
    await chat.tick()
    // Past the bound: `one` and the first big line are given up.
    chat.receive(big('b'))
    await chat.tick()
    handle.then = 'ok'
    await chat.tick()
    await chat.dispose()
    expect(chat.logs).toEqual([
      ERROR,
      `info Writing ${PATH} again (2 lines could not be kept meanwhile)`,
      `warn 2 lines were not written to ${PATH}`,
    ])
    expect(chat.reports).toEqual([{ file: PATH, unwritten: 2 }])
    expect(
      handle.text
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line).text),
    ).toEqual([big('b')])
  })

  it('without a file, disposes of nothing and says nothing', async () => {
    const chat = await plannedLogger(new PlannedFile(), {})
    await expect(chat.dispose()).resolves.toBeUndefined()
    expect(chat.logs).toEqual([])
    expect(chat.reports).toEqual([])
  })
})
