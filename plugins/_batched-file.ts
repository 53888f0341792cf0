import { Buffer } from 'node:buffer'
import { open, type FileHandle } from 'node:fs/promises'
import { setTimeout } from 'node:timers'

/**
 * Appended text waits until it holds this many chars (or `flush` is called), then goes out in
 * one write on the event loop's next turn.
 */
const BATCH_CHARS = 64 * 1024

/**
 * A file that text is appended to in batches, written one batch at a time, in order. A failed
 * write is reported through `onError` (once each) and later batches still go: the caller is
 * on a message's way and must never see the error thrown.
 */
export class BatchedFile {
  private pending: string[] = []
  private size = 0
  private writing: Promise<void> = Promise.resolve()
  private flushing = false
  private readonly flushSoon = () => {
    this.flushing = false
    this.flush()
  }

  private constructor(
    private readonly handle: FileHandle,
    private readonly onError: (error: unknown) => void,
  ) {}

  static async open(path: string, onError: (error: unknown) => void): Promise<BatchedFile> {
    return new BatchedFile(await open(path, 'a'), onError)
  }

  append(text: string): void {
    this.pending.push(text)
    this.size += text.length
    if (this.size >= BATCH_CHARS && !this.flushing) {
      // Not now: the caller is on a message's way, and joining a batch takes a while (up to
      // 0.2 ms, which showed in the echo's 99th percentile). On the loop's next turn, once the
      // replies at hand have left (a timer, not an immediate: sends may wait for those).
      this.flushing = true
      setTimeout(this.flushSoon, 0)
    }
  }

  /** Writes what was appended since the last flush, after the writes queued before it. */
  flush(): void {
    if (this.pending.length === 0) return
    const text = this.pending.join('')
    this.pending = []
    this.size = 0
    this.writing = this.writing.then(() => writeText(this.handle, text)).catch(this.onError)
  }

  /** Flushes, waits for every write, then closes the file. */
  async close(): Promise<void> {
    this.flush()
    await this.writing
    await this.handle.close()
  }
}

/**
 * Writes the text as UTF-8. A string goes to the file as it is: Node encodes it in one pass,
 * where `Buffer.from` of a batch measured about three times slower (it measures the text first).
 */
async function writeText(handle: FileHandle, text: string): Promise<void> {
  const { bytesWritten } = await handle.write(text, null, 'utf8')
  const size = Buffer.byteLength(text)
  if (bytesWritten < size) await writeAll(handle, Buffer.from(text).subarray(bytesWritten))
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  // A write may take fewer bytes than it was given; the rest must follow, not be lost.
  for (let done = 0; done < bytes.length; ) {
    done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten
  }
}
