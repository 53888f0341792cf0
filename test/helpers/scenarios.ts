import { expect } from 'vitest'
import { startChat, type Runtime } from './chat-process.ts'

const local = ['--host', '127.0.0.1', '--port', '0', '--json']

/**
 * Two `chat` processes with piped stdin: b writes to a, a answers whoever wrote first, both leave
 * (b with /quit, a at the end of its stdin) and exit 0. Each side on the runtime given, if any.
 */
export async function twoPeersTalkBothWays(first?: Runtime, second?: Runtime): Promise<void> {
  const a = startChat(local, { runtime: first })
  const portA = await a.port()
  const b = startChat([...local, '--to', `127.0.0.1:${portA}`], { runtime: second })
  const portB = await b.port()
  b.write('hello from b')
  expect(await a.event('message')).toMatchObject({ text: 'hello from b', from: `127.0.0.1:${portB}` })
  a.write('hello from a')
  expect(await b.event('message')).toMatchObject({ text: 'hello from a', from: `127.0.0.1:${portA}` })
  b.write('/quit')
  a.end()
  expect((await b.exited).code).toBe(0)
  expect((await a.exited).code).toBe(0)
}
