import { afterEach, describe, expect, it } from 'vitest'
import { root, runChat, startChat, stopAll } from '../helpers/chat-process.ts'

afterEach(stopAll)

describe('chat with a config that never finishes loading', () => {
  it('exits 2 with one line when the default export never settles, instead of 0 and nothing', async () => {
    const began = Date.now()
    const exit = await runChat(['serve', '--config', 'test/fixtures/never-resolves/chat.config.ts'], { cwd: root })
    expect(exit.code).toBe(2)
    expect(exit.stderr.trim().split('\n').at(-1)).toBe(
      'chat: test/fixtures/never-resolves/chat.config.ts: the config did not finish loading within 10 s (an import or its default export never settles)',
    )
    expect(Date.now() - began).toBeGreaterThanOrEqual(9_000)
  }, 30_000)

  it('stops on SIGTERM while the config loops at import', async () => {
    const chat = startChat(['serve', '--config', 'test/fixtures/loops-at-import/chat.config.ts'], { cwd: root })
    await chat.waitFor(/looping/, { stream: 'stderr' })
    chat.kill('SIGTERM')
    expect((await chat.exited).signal).toBe('SIGTERM')
  })

  it('stops on SIGTERM while the config waits for a promise that never settles', async () => {
    const chat = startChat(['serve', '--config', 'test/fixtures/never-resolves/chat.config.ts'], { cwd: root })
    await chat.waitFor(/waiting/, { stream: 'stderr' })
    chat.kill('SIGTERM')
    expect((await chat.exited).signal).toBe('SIGTERM')
  })
})
