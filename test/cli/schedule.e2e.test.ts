import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll } from '../helpers/chat-process.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const sockets: PlainSocket[] = []
afterEach(async () => {
  await stopAll()
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

describe('schedule() in chat serve', () => {
  it('sends numbered datagrams on time, then stops on SIGTERM with exit 0', async () => {
    const device = await plainSocket()
    sockets.push(device)
    const env = { SCHEDULE_TO: `127.0.0.1:${device.port}` }
    const server = startChat(
      ['serve', '--config', join(root, 'test/fixtures/schedule/chat.config.ts'), '--host', '127.0.0.1', '--json'],
      { env },
    )
    await server.port()
    const got = [await device.next(), await device.next(), await device.next()].map((r) => r.data.toString())
    expect(got).toEqual(['tick 1', 'tick 2', 'tick 3'])
    server.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  })
})
