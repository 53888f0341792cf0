import { describe, expect, it } from 'vitest'
import { slashRouter } from '../../cli/_slash.ts'

// A typo of a chat command is held back; a short word near a two-letter command (`/go`, `/do`
// near `/to`) is more likely a bot's command than a typo, so it goes out as text.
describe('slashRouter()', () => {
  const logged: string[] = []
  const output = { logger: { warn: (t: string) => logged.push(t), info: (t: string) => logged.push(t) } } as never
  const route = slashRouter(output, ['to', 'quit', 'help'])

  it('holds back a typo of a longer command, sends a word one letter from /to as text', () => {
    expect(route('to')).toBe('own')
    expect(route('qiut')).toBe('typo')
    expect(route('go')).toBe('text')
    expect(route('do')).toBe('text')
  })
})
