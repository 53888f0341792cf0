import { Buffer } from 'node:buffer'
import { open, type FileHandle } from 'node:fs/promises'
import { setTimeout } from 'node:timers'

/**
 * Appended lines wait until they hold this many bytes (or `flush` is called), then go out in one
 * write on the event loop's next turn.
 */
const BATCH_BYTES = 64 * 1024

/**
 * Lines are encoded as they come into one buffer of this size, so that a batch is never joined
 * nor converted at once (bench/NOTES.md); a line that might not fit goes into the next, and one
 * longer than a third of it (UTF-8 takes up to 3 bytes a UTF-16 unit) makes a batch of its own.
 */
const BUFFER_BYTES = 2 * BATCH_BYTES

/** While writes fail, at most this many bytes of lines wait to be written again; older ones are given up (and counted). */
export const BACKLOG_BYTES = 8 * 1024 * 1024

/** What the file could not take: reported once when writing starts failing, and once when it works again. */
export interface WriteTrouble {
  error: unknown
  /** True when a write works again after failing. */
  recovered?: boolean
}

/** Lines waiting to be written: a batch, or what is left of one after a short write. */
interface Pending {
  data: Uint8Array
  lines: number
}

/**
 * A file that lines are appended to in batches, written one batch at a time, in order. A failed
 * write (a full disk, a removed folder) is reported once, not per batch; its lines are kept (up
 * to `BACKLOG_BYTES`) and written again at the next flush, so a disk that fills up and frees again
 * loses nothing; past that bound the oldest are given up and counted. The caller is on a message's
 * way and never sees an error thrown.
 */
export class BatchedFile {
  /** The batch being filled: `used` bytes of `buffer`, `lines` lines. */
  private readonly buffer = Buffer.allocUnsafeSlow(BUFFER_BYTES)
  private used = 0
  private lines = 0
  /** Batches that failed to write, oldest first, and how many bytes they hold. */
  private backlog: Pending[] = []
  private backlogSize = 0
  private writing: Promise<void> = Promise.resolve()
  private flushing = false
  private failing = false
  private closed = false
  /** Lines given up: past the backlog's bound, appended after close, or still unwritten at close. */
  lost = 0
  private readonly flushSoon = () => {
    this.flushing = false
    this.flush()
  }

  private constructor(
    private readonly handle: FileHandle,
    private readonly onTrouble: (trouble: WriteTrouble) => void,
    /** The backlog's bound, in bytes: `BACKLOG_BYTES` but in tests. */
    private readonly backlogLimit = BACKLOG_BYTES,
  ) {}

  static async open(path: string, onTrouble: (trouble: WriteTrouble) => void): Promise<BatchedFile> {
    return new BatchedFile(await open(path, 'a'), onTrouble)
  }

  /** Appends one line (ending with `\n`). */
  append(line: string): void {
    if (this.closed) return void this.lost++
    // The exact size is measured only near the buffer's end (a scan of the line).
    if (this.used + line.length * 3 > BUFFER_BYTES && this.used + Buffer.byteLength(line) > BUFFER_BYTES) {
      this.cut()
      if (Buffer.byteLength(line) > BUFFER_BYTES) {
        this.keep({ data: Buffer.from(line), lines: 1 })
        return this.flushSoonOnce()
      }
    }
    this.used += this.buffer.write(line, this.used)
    this.lines++
    if (this.used >= BATCH_BYTES) this.flushSoonOnce()
  }

  /**
   * Not now: the caller is on a message's way, and writing a batch takes a while. On the loop's
   * next turn, once the replies at hand have left (a timer, not an immediate: sends may wait for
   * those).
   */
  private flushSoonOnce(): void {
    if (this.flushing) return
    this.flushing = true
    setTimeout(this.flushSoon, 0)
  }

  /** Writes what was appended since the last flush (and any backlog first), after the writes queued before it. */
  flush(): void {
    this.cut()
    if (this.backlog.length === 0) return
    this.writing = this.writing.then(() => this.drain())
  }

  /** Flushes, waits for every write, then closes the file; lines still unwritten are counted in `lost`. */
  async close(): Promise<void> {
    this.flush()
    await this.writing
    this.closed = true
    for (const left of this.backlog.splice(0)) this.lost += left.lines
    this.backlogSize = 0
    await this.handle.close().catch(() => {})
  }

  /** The lines appended since the last batch become one: a copy, so that the buffer fills again. */
  private cut(): void {
    if (this.lines === 0) return
    const data = Buffer.allocUnsafe(this.used)
    this.buffer.copy(data, 0, 0, this.used)
    this.keep({ data, lines: this.lines })
    this.used = this.lines = 0
  }

  private keep(batch: Pending): void {
    this.backlog.push(batch)
    this.backlogSize += batch.data.length
    while (this.backlogSize > this.backlogLimit && this.backlog.length > 1) {
      const oldest = this.backlog.shift()!
      this.backlogSize -= oldest.data.length
      this.lost += oldest.lines
    }
  }

  /** Writes the backlog in order; stops at the first failure, keeping what is left for the next flush. */
  private async drain(): Promise<void> {
    while (this.backlog.length !== 0) {
      const next = this.backlog[0]!
      const left = await writeBytes(this.handle, next.data)
      if (left === undefined) {
        this.backlog.shift()
        this.backlogSize -= next.data.length
        if (this.failing) {
          this.failing = false
          this.onTrouble({ error: undefined, recovered: true })
        }
        continue
      }
      // A short write then a failure: only the rest is written again, so no line is doubled.
      this.backlogSize += left.data.length - next.data.length
      this.backlog[0] = { data: left.data, lines: countLines(left.data) }
      if (!this.failing) {
        this.failing = true
        this.onTrouble({ error: left.error })
      }
      return
    }
  }
}

/** Writes the bytes; `undefined` when all of them were written, else what is left and why. */
async function writeBytes(
  handle: FileHandle,
  bytes: Uint8Array,
): Promise<{ data: Uint8Array; error: unknown } | undefined> {
  let done = 0
  try {
    // A write may take fewer bytes than it was given; the rest must follow, not be lost.
    while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten
    return undefined
  } catch (error) {
    return { data: bytes.subarray(done), error }
  }
}

function countLines(data: Uint8Array): number {
  let lines = 0
  for (let i = 0; i < data.length; i++) if (data[i] === 0x0a) lines++
  return lines
}
