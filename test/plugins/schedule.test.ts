import { describe, expect, it, vi } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import { schedule } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

const clock = () => new Date(2024, 0, 31, 13, 5, 9)

async function setup(options: Omit<Parameters<typeof schedule>[0], 'to'>) {
  vi.useFakeTimers()
  const network = createMemoryNetwork()
  const device = (await kit({ network })).peer('device')
  const t = await kit({ network, plugins: [schedule({ ...options, to: `127.0.0.1:${device.address.port}` })] })
  const after = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(ms)
    await t.settle()
    return device.take()
  }
  return { t, device, after, to: `127.0.0.1:${device.address.port}` }
}

describe('schedule()', () => {
  it('sends the text every interval, filling {seq} and {time}', async () => {
    const { after } = await setup({ text: 'ping {seq} at {time}', every: 1000, clock })
    expect(await after(999)).toEqual([])
    expect(await after(2001)).toEqual(['ping 1 at 13:05:09', 'ping 2 at 13:05:09', 'ping 3 at 13:05:09'])
  })

  it('stops after `times`; with `now`, the first goes at once', async () => {
    const { after } = await setup({ text: '{seq}', every: 100, times: 3, now: true })
    expect(await after(0)).toEqual(['1'])
    expect(await after(1000)).toEqual(['2', '3'])
  })

  it('stops when the chat closes', async () => {
    const { t, after } = await setup({ text: 'tick', every: 100 })
    expect(await after(200)).toEqual(['tick', 'tick'])
    await t.close()
    expect(await after(1000)).toEqual([])
  })

  it('a reload replaces the timer (never two at once) and the count goes on', async () => {
    const { t, after, to } = await setup({ text: 'old {seq}', every: 100 })
    expect(await after(200)).toEqual(['old 1', 'old 2'])
    await t.reload([schedule({ to, text: 'new {seq}', every: 100 })])
    expect(await after(300)).toEqual(['new 3', 'new 4', 'new 5'])
  })

  it('stops the chat at the start when `to` names no contact and no address (a config error), and sends nothing', async () => {
    const started = kit({
      config: { peers: { alice: '127.0.0.1:9' } },
      plugins: [schedule({ to: 'alcie', text: 'x', every: 10 })],
    })
    await expect(started).rejects.toMatchObject({
      code: 'E_CONFIG',
      message:
        'Plugin "schedule" failed to start: Unknown target `alcie`: expected a contact name or HOST:PORT; contacts: alice',
    })
  })

  it('rejects an interval under 10 ms, naming the option', async () => {
    await expect(kit([schedule({ to: '127.0.0.1:9', text: 'x', every: 1 })])).rejects.toThrow(
      /plugins\[0\]\.every: expected at least 10 ms, got `1`/,
    )
  })
})
