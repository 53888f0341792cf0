import { describe, expect, it, vi } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import { membersOf, presence, relay } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

describe('presence()', () => {
  it('announces our nickname at once and every interval, and says goodbye when the chat closes', async () => {
    vi.useFakeTimers()
    const network = createMemoryNetwork()
    const lan = (await kit({ network })).peer('lan')
    const t = await kit({
      network,
      plugins: [presence({ name: 'ann', to: `127.0.0.1:${lan.address.port}`, every: 1000 })],
    })
    await t.settle()
    expect(lan.take()).toEqual(['^here^ ann'])
    await vi.advanceTimersByTimeAsync(2000)
    await t.settle()
    expect(lan.take()).toEqual(['^here^ ann', '^here^ ann'])
    await t.close()
    expect(lan.take()).toEqual(['^gone^ ann'])
  })

  it('lists who announced, shows their messages by nickname, and hides the announcements', async () => {
    const plugin = presence({ to: '127.0.0.1:9' })
    const t = await kit([plugin])
    const bob = t.peer('bob')
    ;(await bob.send('^here^ Bob\n')).expectNoReply()
    await bob.send('hello')
    expect(t.messages.map((m) => [m.text, m.meta.peer])).toEqual([['hello', 'Bob']])
    expect(membersOf(plugin)).toMatchObject([{ name: 'Bob', address: bob.address }])
    expect(t.logs.map((l) => l.text)).toContain(`Bob is here (127.0.0.1:${bob.address.port})`)
  })

  it('forgets a member not heard for forgetAfter, and one that says goodbye at once', async () => {
    vi.useFakeTimers()
    const plugin = presence({ to: '127.0.0.1:9', every: 1000 })
    const t = await kit([plugin])
    const [bob, cyd] = [t.peer('bob'), t.peer('cyd')]
    await bob.send('^here^ bob')
    await cyd.send('^here^ cyd')
    expect(membersOf(plugin).map((m) => m.name)).toEqual(['bob', 'cyd'])
    await cyd.send('^gone^ cyd')
    expect(membersOf(plugin).map((m) => m.name)).toEqual(['bob'])
    await vi.advanceTimersByTimeAsync(3000) // 2.5 intervals by default, checked each interval
    expect(membersOf(plugin)).toEqual([])
    expect(t.logs.map((l) => l.text)).toEqual(
      expect.arrayContaining(['cyd left (said goodbye)', expect.stringMatching(/^bob left \(not heard for \d s\)$/)]),
    )
  })

  it('rejects a nickname with control characters, and keeps no more than maxMembers', async () => {
    const plugin = presence({ to: '127.0.0.1:9', maxMembers: 1 })
    const t = await kit([plugin])
    await t.peer('evil').send('^here^ \x1b[2Jroot')
    await t.peer('a').send('^here^ a')
    await t.peer('b').send('^here^ b')
    expect(membersOf(plugin).map((m) => m.name)).toEqual(['a'])
    expect(t.messages).toEqual([])
  })

  it('gives relay members their nickname in {from}', async () => {
    const t = await kit([presence({ to: '127.0.0.1:9' }), relay({ format: '{from}: {text}' })])
    const [alice, bob] = [t.peer('alice'), t.peer('bob')]
    await bob.send('^hb^')
    await alice.send('^here^ alice')
    await alice.send('hi all')
    expect(bob.take()).toContain('alice: hi all')
  })
})
