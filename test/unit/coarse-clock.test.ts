import { afterEach, describe, expect, it, vi } from 'vitest'
import { createChat, resolveConfig, type Address, type ChatEvent } from '../../core/index.ts'
import { CoarseClock } from '../../core/_coarse-clock.ts'
import { createMemoryNetwork } from '../../core/testing.ts'

// The rate check's clock: one Date.now() read for the datagrams of a moment, not one each.
afterEach(() => void vi.restoreAllMocks())

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('CoarseClock', () => {
  it('reads the clock once for many asks in a row, and again once a millisecond has passed', async () => {
    const reads = vi.spyOn(Date, 'now')
    const clock = new CoarseClock()
    const first = clock.now()
    for (let i = 0; i < 1000; i++) expect(clock.now()).toBe(first)
    expect(reads).toHaveBeenCalledTimes(1)
    await pause(5)
    const later = clock.now()
    expect(reads).toHaveBeenCalledTimes(2)
    expect(later).toBeGreaterThanOrEqual(first + 1)
  })
})

describe("the engine's rate check", () => {
  it('reads no clock for a refused datagram: a flood of 5,000 costs one read, and the limit still counts each', async () => {
    const network = createMemoryNetwork()
    const events: ChatEvent[] = []
    const config = resolveConfig(
      { host: '127.0.0.1', port: 0, limits: { perSource: { rate: 1, burst: 1 } }, plugins: [] },
      'test config',
    )
    const chat = await createChat({ config, transport: network.transport, onEvent: (e) => void events.push(e) })
    const from: Address = { host: '127.0.0.77', port: 5000, family: 'IPv4' }
    const bytes = new TextEncoder().encode('x')
    try {
      await pause(5) // whatever the start read is stale now
      const reads = vi.spyOn(Date, 'now')
      for (let i = 0; i < 5000; i++) network.deliver(bytes, { ...from }, chat.local)
      await chat.idle()
      // The first datagram is admitted (the burst): the rate check's read, and the message's own time.
      expect(reads.mock.calls.length).toBeLessThanOrEqual(3)
      reads.mockRestore()
    } finally {
      await chat.close()
    }
    const report = events.findLast((e) => e.type === 'guard')
    expect(report?.type === 'guard' && report.total.rateLimited).toBe(4999)
  })
})
