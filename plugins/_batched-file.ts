import { Buffer } from 'node:buffer'
import { open, type FileHandle } from 'node:fs/promises'
import { setTimeout } from 'node:timers'

/**
 * Appended text waits until it holds this many chars (or `flush` is called), then goes out in
 * one write on the event loop's next turn.
 */
const BATCH_CHARS = 64 * 1024

/** While writes fail, at most this many chars of lines wait to be written again; older ones are given up (and counted). */
export const BACKLOG_CHARS = 8 * 1024 * 1024

/** What the file could not take: reported once when writing starts failing, and once when it works again. */
export interface WriteTrouble {
  error: unknown
  /** True when a write works again after failing. */
  recovered?: boolean
}

/** Text waiting to be written: a batch, or what is left of one after a short write. */
interface Pending {
  data: string | Uint8Array
  lines: number
}

/**
 * A file that lines are appended to in batches, written one batch at a time, in order. A failed
 * write (a full disk, a removed folder) is reported once, not per batch; its lines are kept (up
 * to `BACKLOG_CHARS`) and written again at the next flush, so a disk that fills up and frees again
 * loses nothing; past that bound the oldest are given up and counted. The caller is on a message's
 * way and never sees an error thrown.
 */
export class BatchedFile {
  private pending: string[] = []
  private size = 0
  /** Batches that failed to write, oldest first, and how many chars they hold. */
  private backlog: Pending[] = []
  private backlogChars = 0
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
    /** The backlog's bound, in chars: `BACKLOG_CHARS` but in tests. */
    private readonly backlogLimit = BACKLOG_CHARS,
  ) {}

  static async open(path: string, onTrouble: (trouble: WriteTrouble) => void): Promise<BatchedFile> {
    return new BatchedFile(await open(path, 'a'), onTrouble)
  }

  /** Appends one line (ending with `\n`). */
  append(line: string): void {
    if (this.closed) return void this.lost++
    this.pending.push(line)
    this.size += line.length
    if (this.size >= BATCH_CHARS && !this.flushing) {
      // Not now: the caller is on a message's way, and joining a batch takes a while (up to
      // 0.2 ms, which showed in the echo's 99th percentile). On the loop's next turn, once the
      // replies at hand have left (a timer, not an immediate: sends may wait for those).
      this.flushing = true
      setTimeout(this.flushSoon, 0)
    }
  }

  /** Writes what was appended since the last flush (and any backlog first), after the writes queued before it. */
  flush(): void {
    if (this.pending.length !== 0) {
      const batch = { data: this.pending.join(''), lines: this.pending.length }
      this.pending = []
      this.size = 0
      this.keep(batch)
    }
    if (this.backlog.length === 0) return
    this.writing = this.writing.then(() => this.drain())
  }

  /** Flushes, waits for every write, then closes the file; lines still unwritten are counted in `lost`. */
  async close(): Promise<void> {
    this.flush()
    await this.writing
    this.closed = true
    for (const left of this.backlog.splice(0)) this.lost += left.lines
    this.backlogChars = 0
    await this.handle.close().catch(() => {})
  }

  private keep(batch: Pending): void {
    this.backlog.push(batch)
    this.backlogChars += batch.data.length
    while (this.backlogChars > this.backlogLimit && this.backlog.length > 1) {
      const oldest = this.backlog.shift()!
      this.backlogChars -= oldest.data.length
      this.lost += oldest.lines
    }
  }

  /** Writes the backlog in order; stops at the first failure, keeping what is left for the next flush. */
  private async drain(): Promise<void> {
    while (this.backlog.length !== 0) {
      const next = this.backlog[0]!
      const left = await writeText(this.handle, next.data)
      if (left === undefined) {
        this.backlog.shift()
        this.backlogChars -= next.data.length
        if (this.failing) {
          this.failing = false
          this.onTrouble({ error: undefined, recovered: true })
        }
        continue
      }
      // A short write then a failure: only the rest is written again, so no line is doubled.
      this.backlogChars += left.data.byteLength - next.data.length
      this.backlog[0] = { data: left.data, lines: countLines(left.data) }
      if (!this.failing) {
        this.failing = true
        this.onTrouble({ error: left.error })
      }
      return
    }
  }
}

/**
 * Writes the text as UTF-8; `undefined` when all of it was written, else what is left and why.
 * A string goes to the file as it is: Node encodes it in one pass, where `Buffer.from` of a batch
 * measured slower (it measures the text first; bench/NOTES.md).
 */
async function writeText(
  handle: FileHandle,
  data: string | Uint8Array,
): Promise<{ data: Uint8Array; error: unknown } | undefined> {
  let bytes: Uint8Array | undefined = typeof data === 'string' ? undefined : data
  let done = 0
  try {
    if (bytes === undefined) {
      const { bytesWritten } = await handle.write(data as string, null, 'utf8')
      if (bytesWritten >= Buffer.byteLength(data as string)) return undefined
      bytes = Buffer.from(data as string)
      done = bytesWritten
    }
    // A write may take fewer bytes than it was given; the rest must follow, not be lost.
    while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten
    return undefined
  } catch (error) {
    bytes ??= Buffer.from(data as string)
    return { data: bytes.subarray(done), error }
  }
}

function countLines(data: Uint8Array): number {
  let lines = 0
  for (let i = 0; i < data.length; i++) if (data[i] === 0x0a) lines++
  return lines
}
