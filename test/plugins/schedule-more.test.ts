import { describe, expect, it, vi } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import { schedule } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

describe('schedule() placeholders, counts and options', () => {
  it('schedule() fills every {seq} and {time} (the clock, or the system time without one), and leaves other braces; schedules to one target share its count', async () => {
    vi.useFakeTimers({ now: new Date(2025, 5, 7, 8, 9, 10) })
    const network = createMemoryNetwork()
    const device = (await kit({ network })).peer('device')
    const to = `127.0.0.1:${device.address.port}`
    const text = '{seq}/{seq} {time} {other} {SEQ} {seq'
    const t = await kit({
      network,
      plugins: [
        schedule({ to, text, every: 1000, now: true }),
        schedule({ to, text: 'clock {time}', every: 1000, now: true, clock: () => new Date(2024, 0, 31, 23, 59, 58) }),
      ],
    })
    await t.settle()
    expect(device.take()).toEqual(['1/1 08:09:10 {other} {SEQ} {seq', 'clock 23:59:58'])
    await vi.advanceTimersByTimeAsync(1000)
    await t.settle()
    // Plugins of one name share a store: the second schedule took count 2, the first gets 3.
    expect(device.take()).toEqual(['3/3 08:09:11 {other} {SEQ} {seq', 'clock 23:59:58'])
  })

  it('schedule() keeps one count per target: two schedules to two devices each count from 1', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const one = (await kit({ network })).peer('one')
    const two = (await kit({ network })).peer('two')
    const t = await kit({
      network,
      plugins: [
        schedule({ to: `127.0.0.1:${one.address.port}`, text: 'one {seq}', every: 100, times: 2 }),
        schedule({ to: `127.0.0.1:${two.address.port}`, text: 'two {seq}', every: 100, times: 2 }),
      ],
    })
    await vi.advanceTimersByTimeAsync(1000)
    await t.settle()
    expect(one.take()).toEqual(['one 1', 'one 2'])
    expect(two.take()).toEqual(['two 1', 'two 2'])
  })

  it('schedule() with times: 1 sends once, at the first interval', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const device = (await kit({ network })).peer('device')
    const t = await kit({
      network,
      plugins: [schedule({ to: `127.0.0.1:${device.address.port}`, text: 'once', every: 50, times: 1 })],
    })
    await vi.advanceTimersByTimeAsync(49)
    await t.settle()
    expect(device.take()).toEqual([])
    await vi.advanceTimersByTimeAsync(1000)
    await t.settle()
    expect(device.take()).toEqual(['once'])
  })

  it.each([
    [{ to: '', text: 'x', every: 100 }, /plugins\[0\]\.to: expected a contact name or HOST:PORT, got `""`/],
    [{ to: 5, text: 'x', every: 100 }, /plugins\[0\]\.to: expected a contact name or HOST:PORT, got `5`/],
    [{ to: 'a', text: 1, every: 100 }, /plugins\[0\]\.text: expected the text to send \(string\), got `1`/],
    [{ to: 'a', text: 'x', every: 'often' }, /plugins\[0\]\.every: expected a number of milliseconds, got `"often"`/],
    [{ to: 'a', text: 'x', every: 10.5 }, /plugins\[0\]\.every: expected a whole number of milliseconds, got `10.5`/],
    [{ to: 'a', text: 'x', every: 10, times: 0 }, /plugins\[0\]\.times: expected at least 1 send, got `0`/],
    [{ to: 'a', text: 'x', every: 10, times: 2.5 }, /plugins\[0\]\.times: expected a whole number of sends, got `2.5`/],
    [{ to: 'a', text: 'x', every: 10, times: '2' }, /plugins\[0\]\.times: expected a number of sends, got `"2"`/],
    [{ to: 'a', text: 'x', every: 10, now: 1 }, /plugins\[0\]\.now: expected true or false, got `1`/],
    [{ to: 'a', text: 'x', every: 10, clock: 1 }, /plugins\[0\]\.clock: expected a function returning a Date, got `1`/],
  ])('schedule(%j) is refused, naming the option and what it wants', async (options, message) => {
    await expect(kit([schedule(options as never)])).rejects.toThrow(message)
  })
})
