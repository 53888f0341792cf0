import { describe, expect, it } from 'vitest'
import { runInProc, startInProc, usePeers } from '../helpers/inproc.ts'
import { plainSocket } from '../helpers/udp.ts'

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
      `sent 1 byte to 127.0.0.1:${device.port}`,
      `error Not sent to 127.0.0.1:${device.port}: 70000 bytes is more than one UDP datagram can carry (65507)`,
      `sent 1 byte to 127.0.0.1:${device.port}`,
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

describe('chat send, in process: words, timing and the socket', () => {
  it('a `-` among other words is text; --repeat sends the words joined by spaces', async () => {
    const device = await peer()
    expect((await runInProc(['send', String(device.port), '-', 'x', '-q'])).code).toBe(0)
    expect((await device.next()).data.toString()).toBe('- x')
    expect((await runInProc(['send', String(device.port), 'a', 'b', '--repeat', '1', '-q'])).code).toBe(0)
    expect((await device.next()).data.toString()).toBe('a b')
  })

  it('--every spaces the copies out (at least about that far apart, however busy the machine)', async () => {
    const device = await peer()
    const exit = runInProc(['send', String(device.port), 'n{seq}', '--repeat', '2', '--every', '300', '-q'])
    await device.next()
    const first = performance.now()
    expect((await device.next()).data.toString()).toBe('n2')
    expect(performance.now() - first).toBeGreaterThanOrEqual(200)
    expect((await exit).code).toBe(0)
  })

  it('--repeat alone sends its copies a second apart (the default --every)', async () => {
    const device = await peer()
    const exit = runInProc(['send', String(device.port), 'r{seq}', '--repeat', '2', '-q'])
    expect((await device.next()).data.toString()).toBe('r1')
    const first = performance.now()
    expect((await device.next()).data.toString()).toBe('r2')
    // A lower bound only (timers do not fire early): at least about a second, however busy the machine.
    expect(performance.now() - first).toBeGreaterThanOrEqual(900)
    expect((await exit).code).toBe(0)
  })

  it('on a terminal, prints an answer with its time and sender', async () => {
    const device = await peer()
    // --count 1: it waits for the answer however slow the machine is, and ends once it came.
    const args = ['send', String(device.port), 'ping', '--count', '1']
    const sending = startInProc(args, { tty: 'stdout', env: { NO_COLOR: '1' } })
    const asked = await device.next()
    await device.send('pong', asked.from.port)
    const exit = await sending.exited
    expect(exit.code).toBe(0)
    expect(exit.stdout).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d 127\\.0\\.0\\.1:${device.port}: pong\\n$`))
  })

  it('on a terminal, waits a second for answers by default (no answer: exit 0 after it)', async () => {
    const device = await peer()
    const began = performance.now()
    const exit = await runInProc(['send', String(device.port), 'ping'], { tty: 'stdout', env: { NO_COLOR: '1' } })
    // A lower bound only: however busy the machine, a timer does not end early.
    expect(performance.now() - began).toBeGreaterThanOrEqual(990)
    expect(exit.code).toBe(0)
    expect((await device.next()).data.toString()).toBe('ping')
  })

  it('closes its socket before it exits: the port is free again', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), 'hi', '--json', '--host', '127.0.0.1'])
    const { port } = JSON.parse(exit.stdout.split('\n')[0]!)
    const again = await plainSocket(port)
    await again.close()
  })
})
