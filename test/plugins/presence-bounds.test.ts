import { afterEach, describe, expect, it, vi } from 'vitest'
import { membersOf, presence } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

// What a forger can make presence() keep and log: members per source address, and log lines.
const names = (plugin: unknown) => membersOf(plugin).map((m) => m.name)
afterEach(() => void vi.useRealTimers())

describe('presence() bounds', () => {
  it('keeps at most maxPerAddress members from one address, whatever the port (4 by default)', async () => {
    const plugin = presence({ to: '127.0.0.1:9' })
    const t = await kit([plugin])
    const ports = Array.from({ length: 7 }, (_, i) => t.peer(`p${i}`))
    for (const [i, p] of ports.slice(0, 4).entries()) await p.send(`^here^ p${i}`)
    const fifth = await ports[4]!.send('^here^ p4')
    fifth.expectDrop('presence: 127.0.0.1 has 4 members already (maxPerAddress)')
    // Another address still gets in.
    const other = t.network.bindNow({ host: '127.0.0.7', port: 0, onDatagram() {}, onError() {} })
    t.network.deliver(new TextEncoder().encode('^here^ seven'), other.local, t.address)
    await t.settle()
    expect(names(plugin)).toEqual(['p0', 'p1', 'p2', 'p3', 'seven'])
    // One leaves: its place is free for another port of the same address.
    await ports[0]!.send('^gone^ p0')
    await ports[5]!.send('^here^ p5')
    expect(names(plugin)).toEqual(['p1', 'p2', 'p3', 'p5', 'seven'])
    // And the address is full again: the count went down by one, not to nothing.
    const seventh = await ports[6]!.send('^here^ p6')
    seventh.expectDrop('presence: 127.0.0.1 has 4 members already (maxPerAddress)')
    await other.close()
  })

  it('takes maxPerAddress as an option, and counts an IPv6 /64 as one address', async () => {
    const plugin = presence({ to: '127.0.0.1:9', maxPerAddress: 1 })
    const t = await kit({ plugins: [plugin], config: { host: '::1' } })
    const a = t.network.bindNow({ host: '2001:db8:1:2::a', port: 0, onDatagram() {}, onError() {} })
    const b = t.network.bindNow({ host: '2001:db8:1:2::b', port: 0, onDatagram() {}, onError() {} })
    t.network.deliver(new TextEncoder().encode('^here^ a'), a.local, t.address)
    t.network.deliver(new TextEncoder().encode('^here^ b'), b.local, t.address)
    await t.settle()
    expect(names(plugin)).toEqual(['a'])
    expect(t.events.filter((e) => e.type === 'drop').map((e) => (e as { reason: string }).reason)).toEqual([
      'presence: announcement',
      'presence: 2001:db8:1:2::/64 has 1 members already (maxPerAddress)',
    ])
    await a.close()
    await b.close()
  })

  it('logs at most a burst of arrivals and renames, then one line with the count of the rest', async () => {
    vi.useFakeTimers()
    const plugin = presence({ to: '127.0.0.1:9', every: 1000 })
    const t = await kit([plugin])
    const bob = t.peer('bob')
    for (let i = 0; i < 200; i++) await bob.send(`^here^ bob${i}`)
    const lines = t.logs.map((l) => l.text)
    expect(lines).toHaveLength(20)
    expect(lines.at(-1)).toBe('bob18 is now bob19')
    await vi.advanceTimersByTimeAsync(1000)
    expect(t.logs.map((l) => l.text).slice(20)).toEqual([
      '... and 180 more arrivals, renames and departures not logged (over 5 a second)',
    ])
    expect(names(plugin)).toEqual(['bob199'])
  })
})
