import dgram from 'node:dgram'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll, tempDir, type ChatProcess } from '../helpers/chat-process.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

// limits.lanes under `chat serve` on Node: a client that keeps to its rate while a flood fills
// the socket's one queue gets a queue of its own, so the system does not drop its datagrams with
// the flood's. The chat is stopped (SIGSTOP) while the flood and the client send, so the queues
// fill for certain; what comes back after SIGCONT tells which datagrams the system kept.

afterEach(stopAll)

/** A server with a small receive buffer (the flood overflows it at once) and the given `lanes`. */
function serve(lanes: number | false): ChatProcess {
  const dir = tempDir('udpchat-lanes-')
  const file = join(dir, 'chat.config.ts')
  writeFileSync(
    file,
    `import { defineConfig } from '${root}core/index.ts'
import { uppercaseEcho } from '${root}plugins/index.ts'
export default defineConfig({
  host: '127.0.0.1',
  port: 0,
  recvBufferSize: 16384,
  limits: { perSource: { rate: 1000, burst: 200 }, answers: false, lanes: ${lanes} },
  plugins: [uppercaseEcho()],
})
`,
  )
  return startChat(['serve', '--json', '--config', file], { cwd: dir })
}

async function socketOn(host: string, port = 0): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(port, host, resolve)
  })
  closeAfterTest({ close: () => new Promise<void>((resolve) => socket.close(() => resolve())) })
  return socket
}

/** Sends `count` datagrams from `socket`, resolving when the last has left. */
function burst(socket: dgram.Socket, port: number, count: number): Promise<void> {
  for (let i = 1; i < count; i++) socket.send('flood', port, '127.0.0.1')
  return new Promise((resolve) => socket.send('flood', port, '127.0.0.1', () => resolve()))
}

/** The answers `legit` gets up to the one to `sync`, which it sends until it is answered. */
async function answersUntilSync(legit: PlainSocket, port: number): Promise<string[]> {
  const seen: string[] = []
  for (let tries = 0; tries < 50; tries++) {
    await legit.send('sync', port)
    for (;;) {
      const answer = await legit.next(200).catch(() => undefined)
      if (!answer) break
      const text = answer.data.toString()
      if (text === 'SYNC') return seen
      seen.push(text)
    }
  }
  throw new Error('the chat never answered `sync`')
}

/**
 * Floods from 127.0.0.2 while `legit` (127.0.0.1) asks and waits, until the chat reports a lane
 * (`untilLane`) or two seconds of turning the flood away; the reports. Then, with the chat
 * stopped, a flood and 20 requests from `legit`; the answers it gets once the chat runs again.
 */
async function floodThenAsk(chat: ChatProcess, untilLane: boolean) {
  const port = await chat.port()
  const flooder = await socketOn('127.0.0.2')
  const legit = closeAfterTest(await plainSocket())
  const reports: Record<string, any>[] = []
  const done = () => reports.length >= 10 || (untilLane ? reports.some((r) => r.lanes >= 1) : reports.length >= 2)
  const watching = (async () => {
    while (!done()) reports.push(await chat.event('guard', { timeout: 15_000 }))
  })()
  while (!done()) {
    // The request first, at the head of a queue the chat has drained, then the flood behind it.
    await legit.send('hello', port)
    await burst(flooder, port, 1000)
    // Lost in the full queue, until the client has a lane: then asked again.
    await legit.next(100).catch(() => undefined)
  }
  await watching
  await answersUntilSync(legit, port)

  chat.kill('SIGSTOP')
  await burst(flooder, port, 3000)
  for (let i = 1; i <= 20; i++) await legit.send(`ask ${i}`, port)
  chat.kill('SIGCONT')
  const answers = await answersUntilSync(legit, port)
  return { reports, answers: answers.filter((text) => text.startsWith('ASK')) }
}

describe('limits.lanes (chat serve, Node)', () => {
  it('keeps the datagrams of a client within its rate apart from a flood that fills the shared queue', async () => {
    const chat = serve(32)
    const { reports, answers } = await floodThenAsk(chat, true)
    expect(reports.every((r) => r.rateLimited > 0)).toBe(true)
    expect(reports.at(-1)!.lanes).toBe(1)
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `ASK ${i + 1}`))
    // Its lane closes with it: the port is free for any socket after.
    const port = await chat.port()
    chat.kill('SIGTERM')
    expect((await chat.exited).code).toBe(0)
    const again = await socketOn('127.0.0.1', port)
    expect(again.address().port).toBe(port)
  })

  it('without lanes, the same client loses its datagrams with the flood', async () => {
    const { reports, answers } = await floodThenAsk(serve(false), false)
    expect(reports.every((r) => r.rateLimited > 0 && r.lanes === 0)).toBe(true)
    expect(answers).toEqual([])
  })

  it('still refuses a port in use, and leaves it free on exit', async () => {
    const first = serve(32)
    const port = await first.port()
    const plain = dgram.createSocket('udp4')
    const bindPlain = () =>
      new Promise<string>((resolve) => {
        plain.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
        plain.bind(port, '127.0.0.1', () => resolve('bound'))
      })
    expect(await bindPlain()).toBe('EADDRINUSE')

    const second = startChat(
      ['serve', '--host', '127.0.0.1', '--port', String(port), '--config', 'examples/echo.config.ts'],
      {
        cwd: root,
      },
    )
    const exit = await second.exited
    expect(exit.code).toBe(1)
    expect(exit.stderr).toMatch(new RegExp(`Port ${port} on 127.0.0.1 is already in use`))

    first.kill('SIGTERM')
    expect((await first.exited).code).toBe(0)
    const again = dgram.createSocket('udp4')
    closeAfterTest({ close: () => new Promise<void>((resolve) => again.close(() => resolve())) })
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject)
      again.bind(port, '127.0.0.1', () => resolve())
    })
    plain.close()
  })
})
