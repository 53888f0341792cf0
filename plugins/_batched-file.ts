import { Buffer } from 'node:buffer'
import { open, type FileHandle } from 'node:fs/promises'
import { setTimeout } from 'node:timers'

/**
 * Appended lines wait until they hold this many bytes (or `flush` is called), then go out in
 * one write on the event loop's next turn.
 */
const BATCH_BYTES = 64 * 1024

/** While writes fail, at most this many bytes of lines wait to be written again; older ones are given up (and counted). */
export const BACKLOG_BYTES = 8 * 1024 * 1024

const NONE = new Uint8Array(0)

// Called on the typed array rather than looked up on it: Node 20's V8 looks a method up on a typed
// array through a LoadIC call (about 10 ns) where it reads this one as a constant (bench/NOTES.md).
const copyInto: (this: Uint8Array, bytes: Uint8Array, at: number) => void = Uint8Array.prototype.set
// The same for writing text as UTF-8: `utf8Write`, which `write` calls after checking its
// arguments, is on Buffer.prototype on Node, Deno and Bun alike; `write` where it is not.
type WriteUtf8 = (this: Buffer, text: string, at: number, length: number) => number
const writeUtf8: WriteUtf8 =
  (Buffer.prototype as unknown as { utf8Write?: WriteUtf8 }).utf8Write ?? Buffer.prototype.write

/** What the file could not take: reported once when writing starts failing, and once when it works again. */
export interface WriteTrouble {
  error: unknown
  /** True when a write works again after failing. */
  recovered?: boolean
}

/** Bytes waiting to be written: a batch, or what is left of one after a short write. */
interface Pending {
  data: Uint8Array
  lines: number
}

/**
 * A file that lines are appended to in batches, written one batch at a time, in order. Each line
 * is encoded into its batch as it comes, so a batch is written as the bytes it holds (no join,
 * no second pass to encode or measure it). A failed write (a full disk, a removed folder) is
 * reported once, not per batch; its lines are kept (up to `BACKLOG_BYTES`) and written again at
 * the next flush, so a disk that fills up and frees again loses nothing; past that bound the
 * oldest are given up and counted. The caller is on a message's way and never sees an error thrown.
 */
export class BatchedFile {
  /** The batch being filled: its first `used` bytes hold `lines` lines. */
  private batch = Buffer.allocUnsafe(2 * BATCH_BYTES)
  private used = 0
  private lines = 0
  /** Batches that failed to write, oldest first, and how many bytes they hold. */
  private backlog: Pending[] = []
  private backlogBytes = 0
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

  /**
   * Appends one line: `head`, `text` in UTF-8, then `tail`; the line ends with `\n`, in the text
   * or the tail. A caller keeps the parts that repeat from line to line as bytes.
   */
  append(text: string, head: Uint8Array = NONE, tail: Uint8Array = NONE): void {
    if (this.closed) return void this.lost++
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    this.room(head.length + text.length * 3 + tail.length)
    const batch = this.batch
    let at = this.used
    copyInto.call(batch, head, at)
    at += head.length
    at += writeUtf8.call(batch, text, at, batch.length - at)
    copyInto.call(batch, tail, at)
    this.used = at + tail.length
    this.lines++
    if (this.used >= BATCH_BYTES && !this.flushing) {
      // Not now: the caller is on a message's way. On the loop's next turn, once the replies at
      // hand have left (a timer, not an immediate: sends may wait for those).
      this.flushing = true
      setTimeout(this.flushSoon, 0)
    }
  }

  /** Makes room for `bytes` more: the batch grows for a long line, or lines faster than a turn. */
  private room(bytes: number): void {
    if (this.used + bytes <= this.batch.length) return
    const larger = Buffer.allocUnsafe(Math.max(2 * this.batch.length, this.used + bytes))
    larger.set(this.batch.subarray(0, this.used))
    this.batch = larger
  }

  /** Writes what was appended since the last flush (and any backlog first), after the writes queued before it. */
  flush(): void {
    if (this.lines !== 0) {
      // A copy of the bytes it holds waits to be written, and the batch is filled again: a view
      // would keep the whole batch alive however few lines it held, one per flush of a failing file.
      this.keep({ data: Buffer.from(this.batch.subarray(0, this.used)), lines: this.lines })
      this.used = 0
      this.lines = 0
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
    this.backlogBytes = 0
    await this.handle.close().catch(() => {})
  }

  private keep(batch: Pending): void {
    this.backlog.push(batch)
    this.backlogBytes += batch.data.length
    while (this.backlogBytes > this.backlogLimit && this.backlog.length > 1) {
      const oldest = this.backlog.shift()!
      this.backlogBytes -= oldest.data.length
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
        this.backlogBytes -= next.data.length
        if (this.failing) {
          this.failing = false
          this.onTrouble({ error: undefined, recovered: true })
        }
        continue
      }
      // A short write then a failure: only the rest is written again, so no line is doubled.
      this.backlogBytes += left.data.byteLength - next.data.length
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
