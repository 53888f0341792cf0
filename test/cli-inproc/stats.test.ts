import { afterEach, describe, expect, it, vi } from 'vitest'
import { createStats } from '../../cli/_stats.ts'
import type { ChatEvent, Message } from '../../core/index.ts'

afterEach(() => void vi.useRealTimers())

const peer = { host: '127.0.0.1', port: 5000 }
const message = (bytes: number) =>
  ({ type: 'message', message: { bytes: new Uint8Array(bytes) } as unknown as Message }) as ChatEvent

describe('createStats (/stats)', () => {
  it('counts each kind of event apart, bytes in and out, and the whole seconds since it began', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    const stats = createStats()
    expect(stats.describe()).toBe('received 0 datagrams (0 bytes), sent 0 (0 bytes), 0 dropped, 0 errors, in 0 s')
    for (const event of [
      message(3),
      message(4),
      { type: 'sent', to: peer, text: 'hi', bytes: 2 },
      { type: 'sent', to: peer, text: 'hello', bytes: 5 },
      { type: 'sent', to: peer, text: 'x', bytes: 1 },
      { type: 'drop', plugin: 'p', reason: 'r', direction: 'inbound', peer, text: 't' },
      { type: 'error', error: new Error('e') },
      { type: 'error', error: new Error('f') },
      { type: 'closed' },
      { type: 'listening', address: peer },
    ] as ChatEvent[])
      stats.count(event)
    vi.setSystemTime(1_000_000 + 12_499)
    expect(stats.describe()).toBe('received 2 datagrams (7 bytes), sent 3 (8 bytes), 1 dropped, 2 errors, in 12 s')
    vi.setSystemTime(1_000_000 + 12_500)
    expect(stats.describe()).toMatch(/, in 13 s$/)
  })
})
