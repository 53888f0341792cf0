import { describe, expect, it, vi } from 'vitest'
import { timeServer } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

const clock = () => new Date(2024, 0, 31, 13, 5, 9)

describe('timeServer() requests, line endings and maxLength', () => {
  it('timeServer() answers an empty request with %Y-%m-%d %X, and reads the system time without a clock', async () => {
    vi.useFakeTimers({ now: new Date(2025, 6, 4, 5, 6, 7), toFake: ['Date'] })
    const t = await kit([timeServer()])
    const peer = t.peer()
    ;(await peer.send('')).expectReply('2025-07-04 05:06:07')
    ;(await peer.send('\r\n')).expectReply('2025-07-04 05:06:07\r\n')
    ;(await peer.send('\n')).expectReply('2025-07-04 05:06:07\n')
  })

  it('timeServer() keeps a CRLF or LF ending, and only at the very end of the request', async () => {
    const t = await kit([timeServer({ clock })])
    const peer = t.peer()
    ;(await peer.send('%H\r\n')).expectReply('13\r\n')
    ;(await peer.send('%H\n%M')).expectReply('13\n05')
    ;(await peer.send('%H\r')).expectReply('13\r')
    ;(await peer.send('%H\n\n')).expectReply('13\n\n')
  })

  it('timeServer() answers up to maxLength chars, the line ending counted, and drops a longer answer with the reason', async () => {
    const t = await kit([timeServer({ clock, maxLength: 5 })])
    const peer = t.peer()
    ;(await peer.send('%Y\n')).expectReply('2024\n')
    ;(await peer.send('%Y-%m')).expectDrop('timeServer: the answer would be over 5 chars (maxLength)')
    const long = await peer.send('%Y-\n')
    expect(long.expectDrop('timeServer: the answer would be over 5 chars (maxLength)').direction).toBe('inbound')
    long.expectNothingSent()
  })

  it('timeServer() answers 8192 chars by default, not one more', async () => {
    const t = await kit([timeServer({ clock })])
    const peer = t.peer()
    // Text that is no directive comes back as it is: no more bytes out than came in.
    expect((await peer.send(`%Y${'x'.repeat(8188)}`)).expectReply()).toHaveLength(8192)
    ;(await peer.send(`%Y${'x'.repeat(8189)}`)).expectDrop(
      'timeServer: the answer would be over 8192 chars (maxLength)',
    )
  })

  it.each([
    [{ maxLength: 0 }, /plugins\[0\]\.maxLength/],
    [{ maxLength: 16_377 }, /plugins\[0\]\.maxLength/],
    [{ maxLength: 2.5 }, /plugins\[0\]\.maxLength/],
    [{ defaultFormat: 7 }, /plugins\[0\]\.defaultFormat: expected a strftime pattern, got `7`/],
    [{ clock: 'now' }, /plugins\[0\]\.clock: expected a function returning a Date, got `"now"`/],
  ])('timeServer(%j) is refused, naming the option', async (options, message) => {
    await expect(kit([timeServer(options as never)])).rejects.toThrow(message)
  })

  it('timeServer() answers a peer again when the same plugin is set up anew (a reload): its budget starts over', async () => {
    vi.useFakeTimers()
    const plugin = timeServer({ clock, maxReplies: 1, window: 600_000 })
    const t = await kit([plugin])
    const peer = t.peer()
    ;(await peer.send('%Y')).expectReply('2024')
    ;(await peer.send('%Y')).expectNoReply()
    await t.reload([timeServer({ clock }), plugin])
    await t.reload([plugin])
    ;(await peer.send('%Y')).expectReply('2024')
  })

  it('timeServer() accepts the largest maxLength, 16376', async () => {
    const t = await kit([timeServer({ clock, maxLength: 16_376 })])
    ;(await t.peer().send('%Y')).expectReply('2024')
  })
})
