import { execFileSync } from 'node:child_process'
import dgram from 'node:dgram'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll } from '../helpers/chat-process.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket } from '../helpers/udp.ts'

afterEach(stopAll)

const config = 'test/fixtures/transcript-flood/chat.config.ts'
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const cannotMount = isRoot ? undefined : 'a full disk is a small tmpfs, and mounting one takes root'

/** Sends `count` datagrams as fast as the socket takes them. */
async function flood(port: number, count: number): Promise<void> {
  const socket = dgram.createSocket('udp4')
  closeAfterTest({ close: () => new Promise<void>((resolve) => socket.close(() => resolve())) })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  for (let i = 0; i < count; i++) {
    // One in 64 waits for its callback, so the socket's queue in this process stays short.
    if (i % 64 === 63)
      await new Promise<void>((resolve) => socket.send(`line ${i}`, port, '127.0.0.1', () => resolve()))
    else socket.send(`line ${i}`, port, '127.0.0.1')
  }
}

const lines = (text: string) => text.split('\n').filter((line) => line.endsWith('}'))

describe('logger() transcript under `chat serve`', () => {
  it('has a line for every message the chat reported, when SIGTERM comes during 100,000 datagrams', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'udpchat-transcript-'))
    const file = join(dir, 'chat.jsonl')
    const chat = startChat(['serve', '--json', '--config', config], { cwd: root, env: { TRANSCRIPT: file } })
    await flood(await chat.port(), 100_000)
    // While it still works through what came (the socket's buffer holds thousands).
    chat.kill('SIGTERM')
    const exit = await chat.exited
    expect(exit.code).toBe(0)
    const reported = exit.stdout.split('\n').filter((line) => line.startsWith('{"event":"message"')).length
    const written = lines(readFileSync(file, 'utf8')).filter((line) => line.includes('"dir":"in"')).length
    expect(reported).toBeGreaterThan(1000)
    expect(written).toBe(reported)
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it.skipIf(cannotMount)(
    `counts the lines a full disk did not take, says so once, and keeps serving (${cannotMount ?? 'root'})`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'udpchat-full-'))
      mkdirSync(dir, { recursive: true })
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir])
      try {
        const file = join(dir, 'chat.jsonl')
        const chat = startChat(['serve', '--json', '--config', config], { cwd: root, env: { TRANSCRIPT: file } })
        const port = await chat.port()
        await flood(port, 5000)
        await chat.waitFor(/Cannot write .*ENOSPC/, { stream: 'stderr' })
        // Still serving: an echo comes back after the disk is full. The flood can still fill the
        // server's receive buffer when we ask, and the kernel drops what does not fit: ask again.
        const client = closeAfterTest(await plainSocket())
        let answer: string | undefined
        for (let attempt = 0; attempt < 20 && answer === undefined; attempt++) {
          await client.send('still there?', port)
          answer = await client.next(500).then(
            (reply) => reply.data.toString(),
            () => undefined,
          )
        }
        expect(answer).toBe('STILL THERE?')
        chat.kill('SIGTERM')
        const exit = await chat.exited
        expect(exit.code).toBe(0)
        const events = exit.stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, any>)
        const logged = events.filter((e) => e.event === 'message' || e.event === 'sent').length
        const status = events.find((e) => e.event === 'status' && e.plugin === 'logger')
        expect(status).toMatchObject({ file, unwritten: expect.any(Number) })
        expect(lines(readFileSync(file, 'utf8')).length + status!.unwritten).toBe(logged)
        expect(exit.stderr.match(/Cannot write/g)).toHaveLength(1)
        expect(exit.stderr).toContain(`${status!.unwritten} lines were not written to ${file}`)
      } finally {
        execFileSync('umount', ['--lazy', dir]) // lazy: a chat still running after a failure must not hide it
        rmSync(dir, { recursive: true, force: true })
      }
    },
    60_000,
  )
})
