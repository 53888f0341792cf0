import { Buffer } from 'node:buffer'
import type { BatchedFile, WriteTrouble } from '../../plugins/_batched-file.ts'

/** What each write does, in turn: all it is given, fail (ENOSPC), or take only so many bytes. */
export type Step = 'ok' | 'fail' | number

/** A file handle whose writes follow a plan, so failures and short writes happen when a test says. */
export class PlannedFile {
  private readonly chunks: Buffer[] = []
  writes = 0
  closed = false
  constructor(
    private readonly plan: Step[] = [],
    public then: Step = 'ok',
  ) {}

  async write(data: string | Uint8Array, offset?: number | null, length?: number | string) {
    // As Node's FileHandle: a range past the end of the buffer is refused, not clipped.
    if (typeof data !== 'string' && offset! + (length as number) > data.byteLength)
      throw new RangeError(`The value of "length" is out of range: ${length}`)
    const bytes =
      typeof data === 'string'
        ? Buffer.from(data, length as BufferEncoding)
        : data.subarray(offset!, offset! + (length as number))
    this.writes++
    const step = this.plan.shift() ?? this.then
    if (step === 'fail') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    const taken = step === 'ok' ? bytes.length : Math.min(step, bytes.length)
    this.chunks.push(Buffer.from(bytes.subarray(0, taken)))
    return { bytesWritten: taken }
  }

  async close() {
    this.closed = true
    throw new Error('EBADF: closing twice')
  }

  get written(): Buffer {
    return Buffer.concat(this.chunks)
  }

  get text(): string {
    return this.written.toString('utf8')
  }
}

/** The constructor BatchedFile keeps private (`open` takes a path): a handle, a trouble callback, a backlog bound. */
export type MakeBatched = new (h: PlannedFile, t: (trouble: WriteTrouble) => void, limit?: number) => BatchedFile
