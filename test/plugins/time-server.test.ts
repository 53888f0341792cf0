import { afterEach, describe, it, vi } from 'vitest'
import { timeServer } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

const clock = () => new Date(2024, 0, 31, 13, 5, 9)

describe('timeServer()', () => {
  it('formats the time by the request, Python strftime style', async () => {
    const t = await kit([timeServer({ clock })])
    const alice = t.peer()
    ;(await alice.send('%H:%M:%S')).expectReply('13:05:09')
    ;(await alice.send('%Y-%m-%d %A')).expectReply('2024-01-31 Wednesday')
  })

  it('uses the default pattern for an empty request, and keeps a line ending', async () => {
    const t = await kit([timeServer({ clock, defaultFormat: '%d/%m/%Y' })])
    const nc = t.peer('netcat')
    ;(await nc.send('')).expectReply('31/01/2024')
    ;(await nc.send('%H\n')).expectReply('13\n')
  })

  it('stops answering a peer past maxReplies in a window, so it cannot loop with another bot', async () => {
    vi.useFakeTimers()
    const t = await kit([timeServer({ clock, maxReplies: 2, window: 1000 })])
    const echo = t.peer('an echo server')
    ;(await echo.send('%Y')).expectReply('2024')
    ;(await echo.send('%Y')).expectReply('2024')
    ;(await echo.send('%Y')).expectNoReply()
    vi.advanceTimersByTime(1000)
    ;(await echo.send('%Y')).expectReply('2024')
  })
})

afterEach(() => {
  vi.useRealTimers()
})
