import { describe, expect, it } from 'vitest'
import { askWho } from '../../plugins/_nats-who.ts'

// The `/who` line is cut only past 1,200 characters (one datagram no network fragments).
describe('askWho() with the bridge down', () => {
  const link = { up: false } as never
  const room = { members: () => [], size: () => 0 } as never
  const peers = { nameOf: () => undefined } as never
  const line = (relay: string) => askWho(link, 'room', 10, relay, room, peers)
  const head = 'who: 0 members on 1 relay (the bridge is down: this relay only): '

  it('keeps a line of exactly 1,200 characters whole, and cuts one longer to 1,200 ending in ...', async () => {
    const exact = 'r'.repeat(1200 - head.length - ' 0'.length)
    expect(await line(exact)).toBe(`${head}${exact} 0`)
    const cut = await line(`${exact}r`)
    expect([cut.length, cut.endsWith('...')]).toEqual([1200, true])
  })
})
