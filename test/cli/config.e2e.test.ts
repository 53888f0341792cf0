import { afterEach, describe, expect, it } from 'vitest'
import { root, runChat, stopAll } from '../helpers/chat-process.ts'

afterEach(stopAll)

describe('chat with a bad config', () => {
  it('exits 2 with one line naming the file and the option, and no stack trace', async () => {
    const exit = await runChat(['listen', '--config', 'test/fixtures/bad-plugin-option/chat.config.ts'], { cwd: root })
    expect(exit.code).toBe(2)
    expect(exit.stderr.trim()).toBe(
      'chat: test/fixtures/bad-plugin-option/chat.config.ts: plugins[2].rules[0][0]: expected a string or RegExp to match, got `42` (number)',
    )
    expect(exit.stdout).toBe('')
  })

  it('exits 2 when the --config file does not exist', async () => {
    const exit = await runChat(['serve', '--config', 'nope.config.ts'], { cwd: root })
    expect(exit.code).toBe(2)
    expect(exit.stderr.trim()).toBe('chat: Config file not found: nope.config.ts')
  })
})
