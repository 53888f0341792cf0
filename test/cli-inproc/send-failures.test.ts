import { describe, expect, it } from 'vitest'
import { runInProc, usePeers } from '../helpers/inproc.ts'

const peer = usePeers()
// Longer than the test's time-out: a test passes only if the command does not wait it out.
const FOREVER = '600000'

describe('chat send when a datagram cannot leave, in process', () => {
  it('one too big for UDP: an error event with its code, one error line, exit 1 without waiting for answers', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), 'x'.repeat(70_000), '--json', '--wait', FOREVER])
    expect(exit.code).toBe(1)
    const events = exit.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(events.map((e) => e.event)).toEqual(['listening', 'error'])
    expect(events[1]).toEqual({
      event: 'error',
      code: 'E_MSG_SIZE',
      message: `Not sent to 127.0.0.1:${device.port}: 70000 bytes is more than one UDP datagram can carry (65507)`,
    })
    expect(exit.stderr).toBe(`error ${events[1].message}\n`)
  })

  it('`-`: the lines after one that failed still go; exit 1', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), '-', '--wait', FOREVER], {
      input: `a\n${'y'.repeat(70_000)}\nb\n`,
    })
    expect(exit.code).toBe(1)
    expect((await device.next()).data.toString()).toBe('a')
    expect((await device.next()).data.toString()).toBe('b')
    expect(exit.stderr.split('\n')).toEqual([
      `sent 1 bytes to 127.0.0.1:${device.port}`,
      `error Not sent to 127.0.0.1:${device.port}: 70000 bytes is more than one UDP datagram can carry (65507)`,
      `sent 1 bytes to 127.0.0.1:${device.port}`,
      '',
    ])
  })
})

describe('chat send --repeat', () => {
  it('stops right after the last copy, without waiting another --every', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), 'once {seq}', '--repeat', '1', '--every', FOREVER])
    expect(exit.code).toBe(0)
    expect((await device.next()).data.toString()).toBe('once 1')
    await expect(device.next(100)).rejects.toThrow(/no datagram/)
  })
})
