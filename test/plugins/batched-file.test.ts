import { describe, expect, it } from 'vitest'
import { BatchedFile, type WriteTrouble } from '../../plugins/_batched-file.ts'
import { fresh } from '../helpers/fresh.ts'
import { PlannedFile, type MakeBatched } from '../helpers/planned-file.ts'

/** A BatchedFile on a planned handle (its constructor is private: `open` takes a path). */
function batched(handle: PlannedFile, backlogLimit?: number, Batched: typeof BatchedFile = BatchedFile) {
  const troubles: WriteTrouble[] = []
  const file = new (Batched as unknown as MakeBatched)(handle, (trouble) => troubles.push(trouble), backlogLimit)
  return { file, troubles }
}

/** The backlog bound in the tests below: the real one (8 MiB) made them slow under the mutation tests. */
const LIMIT = 4096

/** One turn of the event loop's timers: a batch scheduled by `append` has been written after it (the file is in memory). */
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0))

const line = (chars: number, fill = 'x') => `${fill.repeat(chars - 1)}\n`

/** Lines of a quarter of `LIMIT` each, one per letter, made of that letter. */
const quarters = (letters: string) => [...letters].map((fill) => line(LIMIT / 4, fill))

/** Appends each line as a batch of its own: appended, flushed, and a turn for its write. */
async function batchEach(file: BatchedFile, lines: string[]): Promise<void> {
  for (const each of lines) {
    file.append(each)
    file.flush()
    await nextTurn()
  }
}

describe('BatchedFile', () => {
  it('writes appended lines in one batch at flush, in order', async () => {
    const handle = new PlannedFile()
    const { file, troubles } = batched(handle)
    file.append('one\n')
    file.append('two\n')
    await nextTurn()
    expect(handle.writes).toBe(0)
    file.flush()
    await file.close()
    expect(handle.text).toBe('one\ntwo\n')
    expect(handle.writes).toBe(1)
    expect(troubles).toEqual([])
    expect(file.lost).toBe(0)
  })

  it('writes on its own, on the next turn, once 64 KiB wait (not before), and again for the next 64 KiB', async () => {
    // Loaded afresh: the batch size is module-level code (test/helpers/fresh.ts).
    const { BatchedFile: Fresh } = await fresh(() => import('../../plugins/_batched-file.ts'))
    const handle = new PlannedFile()
    const { file } = batched(handle, undefined, Fresh)
    file.append(line(64 * 1024 - 2))
    await nextTurn()
    expect(handle.writes).toBe(0)
    file.append('y\n')
    expect(handle.writes).toBe(0)
    await nextTurn()
    expect(handle.writes).toBe(1)
    expect(handle.text).toBe(`${line(64 * 1024 - 2)}y\n`)
    file.append(line(64 * 1024, 'z'))
    await nextTurn()
    expect(handle.writes).toBe(2)
    expect(handle.text).toBe(`${line(64 * 1024 - 2)}y\n${line(64 * 1024, 'z')}`)
  })

  it('reports a failing write once, keeps its lines, and writes them in order when the file works again', async () => {
    const handle = new PlannedFile(['fail', 'fail'])
    const { file, troubles } = batched(handle)
    file.append('a\n')
    file.flush()
    await nextTurn()
    file.append('b\n')
    file.flush()
    await nextTurn()
    expect(troubles).toHaveLength(1)
    expect(String(troubles[0]!.error)).toMatch(/ENOSPC/)
    expect(troubles[0]!.recovered).toBeUndefined()
    file.append('c\n')
    file.flush()
    await file.close()
    expect(handle.text).toBe('a\nb\nc\n')
    expect(troubles.slice(1)).toEqual([{ error: undefined, recovered: true }])
    expect(file.lost).toBe(0)
  })

  it('finishes a short write with the rest of its bytes (multi-byte chars included)', async () => {
    const handle = new PlannedFile([3, 2, 1])
    const { file, troubles } = batched(handle)
    file.append('héllo\n')
    file.append('wörld 😀\n')
    await file.close()
    expect(handle.text).toBe('héllo\nwörld 😀\n')
    expect(troubles).toEqual([])
  })

  it('grows a batch for a line over twice its size, keeping the lines before (3 bytes a char)', async () => {
    const handle = new PlannedFile()
    const { file } = batched(handle)
    // 300,001 bytes: more than twice a new batch's 128 KiB.
    const wide = `${'你'.repeat(100_000)}\n`
    file.append('first\n')
    file.append(wide)
    file.append('z', Buffer.from('head '), Buffer.from(' tail\n'))
    await file.close()
    expect(handle.text).toBe(`first\n${wide}head z tail\n`)
    expect(handle.writes).toBe(1)
  })

  it("grows a batch for a line's head and tail too, not only its text", async () => {
    const handle = new PlannedFile()
    const { file } = batched(handle)
    // The first line fills a new batch (128 KiB) but for 2 bytes; the next needs 3 (head, no text, tail).
    const full = '你'.repeat((128 * 1024 - 2) / 3)
    file.append(full)
    file.append('', Buffer.from('\n'), Buffer.from('.\n'))
    await file.close()
    expect(handle.text).toBe(`${full}\n.\n`)
  })

  it('after a short write then a failure, writes only the rest again: no line doubled', async () => {
    const handle = new PlannedFile([3, 'fail'])
    const { file, troubles } = batched(handle)
    file.append('héllo\n')
    file.append('wörld\n')
    file.flush()
    await nextTurn()
    expect(troubles).toHaveLength(1)
    await file.close()
    expect(handle.text).toBe('héllo\nwörld\n')
    expect(troubles).toHaveLength(2)
  })

  it('counts the lines still unwritten at close as lost, a partly written one too', async () => {
    const handle = new PlannedFile([3], 'fail')
    const { file } = batched(handle)
    file.append('héllo\n')
    file.append('wörld\n')
    await file.close()
    expect(handle.text).toBe('hé')
    expect(file.lost).toBe(2)
    expect(handle.closed).toBe(true)
  })

  it('keeps at most its bound of bytes while failing, giving up the oldest first (and counting them)', async () => {
    const handle = new PlannedFile([], 'fail')
    const { file } = batched(handle, LIMIT)
    await batchEach(file, quarters('abcd'))
    // Exactly the bound: all four kept.
    expect(file.lost).toBe(0)
    await batchEach(file, quarters('e'))
    handle.then = 'ok'
    await file.close()
    expect(file.lost).toBe(1)
    expect(handle.text).toBe(quarters('bcde').join(''))
  })

  it('keeps only the bytes a batch holds while failing: 2,000 one-line flushes hold kilobytes, not a batch buffer each', async () => {
    const handle = new PlannedFile([], 'fail')
    const { file } = batched(handle)
    const before = process.memoryUsage().arrayBuffers
    for (let i = 0; i < 2000; i++) {
      file.append(line(10))
      file.flush()
    }
    await nextTurn()
    // 20 KB of lines, all kept (under the 8 MiB bound); a 128 KiB buffer held per batch would be 250 MiB.
    expect(file.lost).toBe(0)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024)
    handle.then = 'ok'
    await file.close()
    expect(handle.text).toBe(line(10).repeat(2000))
  })

  it('counts the backlog as empty again once it was written: a later failure keeps a full bound again', async () => {
    const handle = new PlannedFile([], 'fail')
    const { file } = batched(handle, LIMIT)
    await batchEach(file, quarters('abcd'))
    handle.then = 'ok'
    file.flush()
    await nextTurn()
    handle.then = 'fail'
    await batchEach(file, quarters('efgh'))
    handle.then = 'ok'
    await file.close()
    expect(file.lost).toBe(0)
    expect(handle.text).toBe(quarters('abcdefgh').join(''))
  })

  it('after a short write then a failure, counts only the rest against the bound', async () => {
    // 100 of the first quarter's bytes go, then writes fail: 3996 bytes wait, under the bound of 4096.
    const handle = new PlannedFile([100, 'fail'], 'fail')
    const { file } = batched(handle, LIMIT)
    await batchEach(file, quarters('abcd'))
    handle.then = 'ok'
    await file.close()
    expect(file.lost).toBe(0)
    expect(handle.text).toBe(quarters('abcd').join(''))
  })

  it('keeps one batch larger than the bound rather than lose it', async () => {
    const handle = new PlannedFile(['fail'])
    const { file } = batched(handle, LIMIT)
    const big = line(LIMIT + 10)
    file.append(big)
    file.flush()
    await nextTurn()
    await file.close()
    expect(file.lost).toBe(0)
    expect(handle.text).toBe(big)
  })

  it('closes the file (whatever closing says) and counts a line appended after close as lost', async () => {
    const handle = new PlannedFile()
    const { file } = batched(handle)
    await file.close()
    expect(handle.closed).toBe(true)
    file.append('late\n')
    file.flush()
    await nextTurn()
    expect(file.lost).toBe(1)
    expect(handle.writes).toBe(0)
  })
})
