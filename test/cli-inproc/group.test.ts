import { describe, expect, it } from 'vitest'
import { runInProc, startInProc } from '../helpers/inproc.ts'
import { freshGroup } from '../helpers/udp.ts'

// Multicast only on the loopback interface, TTL 1: nothing leaves this machine.
const LOOPBACK = ['--interface', '127.0.0.1', '--ttl', '1']

describe('--group, in process', () => {
  it('the chat sends typed lines to the room, says which room and how, and binds any free port', async () => {
    const group = await freshGroup()
    const listener = startInProc(['listen', '--once', '--group', group, ...LOOPBACK, '--json'])
    const listening = await listener.event('listening')
    expect(listening.port).not.toBe(Number(group.split(':')[1]))
    const chat = await runInProc(
      ['--group', group, ...LOOPBACK, '--no-loopback', '--host', '127.0.0.1', '--linger', '0'],
      {
        input: 'hello room\n',
      },
    )
    expect(chat.code).toBe(0)
    expect(chat.stderr).toContain(
      `\nin the multicast room ${group} (on 127.0.0.1, ttl 1, no loopback): what is sent to it reaches everyone in it\n`,
    )
    expect(await listener.event('message')).toMatchObject({ text: 'hello room' })
    expect((await listener.exited).code).toBe(0)
  })

  it("without --interface, says the system's interface is used (TTL 0: nothing leaves the machine)", async () => {
    const group = await freshGroup()
    const listener = startInProc(['listen', '--group', group, '--ttl', '0', '--port', '0'])
    expect(await listener.waitFor(/multicast room/, { stream: 'stderr' })).toBe(
      `in the multicast room ${group} (on the system's interface, ttl 0): what is sent to it reaches everyone in it`,
    )
    listener.kill('SIGTERM')
    expect((await listener.exited).code).toBe(0)
  })

  it('without --ttl, says TTL 1 (the default)', async () => {
    const group = await freshGroup()
    const listener = startInProc(['listen', '--group', group, '--interface', '127.0.0.1', '--port', '0'])
    expect(await listener.waitFor(/multicast room/, { stream: 'stderr' })).toBe(
      `in the multicast room ${group} (on 127.0.0.1, ttl 1): what is sent to it reaches everyone in it`,
    )
    listener.kill('SIGTERM')
    expect((await listener.exited).code).toBe(0)
  })
})
