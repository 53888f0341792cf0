import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { logger, uppercaseEcho } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'udpchat-logger-')), 'chat.jsonl')
const linesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))

describe('logger() console and transcript options', () => {
  it('logger() names a peer that is no contact by its address alone', async () => {
    const t = await kit([logger(), uppercaseEcho()])
    const stranger = t.peer('stranger')
    const delivery = await stranger.send('hi')
    expect(delivery.logs).toEqual([
      { level: 'info', tag: 'logger', text: `<- 127.0.0.1:${stranger.address.port}: hi` },
      { level: 'info', tag: 'logger', text: `-> 127.0.0.1:${stranger.address.port}: HI` },
    ])
    expect(delivery.errors).toEqual([])
  })

  it('logger({ console: false }) logs nothing, and writes no file without `file`', async () => {
    const t = await kit([logger({ console: false }), uppercaseEcho()])
    const delivery = await t.peer().send('hi')
    delivery.expectReply('HI')
    expect(delivery.logs).toEqual([])
  })

  it('logger({ file, console: true }) does both: the console lines and the transcript', async () => {
    const file = tempFile()
    const t = await kit([logger({ file, console: true }), uppercaseEcho()])
    const peer = t.peer('alice', { contact: true })
    const delivery = await peer.send('hi')
    expect(delivery.logs.map((l) => l.text)).toEqual([
      `<- alice (127.0.0.1:${peer.address.port}): hi`,
      `-> alice (127.0.0.1:${peer.address.port}): HI`,
    ])
    await t.close()
    // Everything was written: no warning about lost lines at the end.
    expect(t.logs.filter((l) => l.level !== 'info')).toEqual([])
    expect(linesOf(file)).toMatchObject([
      { dir: 'in', peer: 'alice', text: 'hi' },
      { dir: 'out', peer: 'alice', text: 'HI' },
    ])
  })

  it('logger({ file }) writes the transcript every flushInterval while the chat runs, not only at close', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const file = tempFile()
    const t = await kit([logger({ file, flushInterval: 5000 }), uppercaseEcho()])
    await t.peer().send('hi')
    vi.advanceTimersByTime(5000)
    await vi.waitFor(() => expect(linesOf(file).map((l) => l.dir)).toEqual(['in', 'out']), { timeout: 10_000 })
  })

  it('logger({ file }) writes at the default interval too (200 ms)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const file = tempFile()
    const t = await kit([logger({ file }), uppercaseEcho()])
    await t.peer().send('hi')
    vi.advanceTimersByTime(200)
    await vi.waitFor(() => expect(linesOf(file)).toHaveLength(2), { timeout: 10_000 })
  })

  it.skipIf(!existsSync('/dev/full'))(
    'logger() on a full disk says so once with the backlog bound, and at the end how many lines were lost (one: "line was")',
    async () => {
      const t = await kit([logger({ file: '/dev/full' })])
      const delivery = await t.peer().send('hi')
      delivery.expectDelivered('hi')
      await t.close()
      const [error, ...rest] = t.logs
      expect(error).toMatchObject({ level: 'error', tag: 'logger' })
      expect(error!.text).toMatch(
        /^Cannot write \/dev\/full: Error: ENOSPC.*; keeping its lines \(up to 8 MiB\) to write them when it works again$/,
      )
      expect(rest).toEqual([{ level: 'warn', tag: 'logger', text: '1 line was not written to /dev/full' }])
      expect(t.events.filter((e) => e.type === 'status')).toEqual([
        { type: 'status', plugin: 'logger', status: { file: '/dev/full', unwritten: 1 } },
      ])
    },
  )

  it.each([
    [{ file: '' }, /plugins\[0\]\.file: expected a file path, got `""`/],
    [{ file: 42 }, /plugins\[0\]\.file: expected a file path, got `42`/],
    [{ console: 'yes' }, /plugins\[0\]\.console: expected true or false, got `"yes"`/],
    [{ flushInterval: 0 }, /plugins\[0\]\.flushInterval/],
  ])('logger(%j) is refused, naming the option', async (options, message) => {
    await expect(kit([logger(options as never)])).rejects.toThrow(message)
  })
})
