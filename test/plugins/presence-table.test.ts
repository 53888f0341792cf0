import { describe, expect, it, vi } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import { fresh } from '../helpers/fresh.ts'
import { kit } from '../helpers/kit.ts'

// presence()'s table past the happy path: when a member is forgotten, renames, goodbyes, bounds,
// and a listener that announces nothing. Loaded afresh in each test (see fresh.ts): the wire
// words and the nickname rule are module-level.
const plugins = () => fresh(() => import('../../plugins/index.ts'))
const logs = (t: { logs: Array<{ text: string }> }) => t.logs.map((l) => l.text)

describe('presence() table', () => {
  it('keeps a member heard within forgetAfter, forgets it at the first look past that', async () => {
    vi.useFakeTimers()
    const { presence, membersOf } = await plugins()
    const plugin = presence({ to: '127.0.0.1:9', every: 500, forgetAfter: 1000 })
    const t = await kit([plugin])
    const bob = t.peer('bob')
    await bob.send('^here^ bob')
    await vi.advanceTimersByTimeAsync(1000)
    expect(membersOf(plugin).map((m) => m.name)).toEqual(['bob'])
    await vi.advanceTimersByTimeAsync(500)
    expect(membersOf(plugin)).toEqual([])
    expect(logs(t)).toEqual([`bob is here (127.0.0.1:${bob.address.port})`, 'bob left (not heard for 2 s)'])
  })

  it('forgets after 2.5 intervals by default, and an announcement keeps a member', async () => {
    vi.useFakeTimers()
    const { presence, membersOf } = await plugins()
    const plugin = presence({ to: '127.0.0.1:9', every: 1000 })
    const t = await kit([plugin])
    const [bob, cyd] = [t.peer('bob'), t.peer('cyd')]
    await bob.send('^here^ bob')
    await cyd.send('^here^ cyd')
    await vi.advanceTimersByTimeAsync(2000)
    await cyd.send('^here^ cyd')
    await vi.advanceTimersByTimeAsync(1000)
    expect(membersOf(plugin).map((m) => m.name)).toEqual(['cyd'])
  })

  it('follows a rename, lists by name, and keeps a name a contact already has', async () => {
    const { presence, membersOf } = await plugins()
    const plugin = presence({ to: '127.0.0.1:9' })
    const t = await kit([plugin])
    const [bob, zed] = [t.peer('bob', { contact: true }), t.peer('zed')]
    await zed.send('^here^ zed\r\n')
    await bob.send('^here^ bobby')
    await bob.send('^here^ ann')
    expect(membersOf(plugin).map((m) => m.name)).toEqual(['ann', 'zed'])
    expect(logs(t).at(-1)).toBe('bobby is now ann')
    await bob.send('hi')
    await zed.send('yo')
    expect(t.messages.map((m) => [m.text, m.meta.peer])).toEqual([
      ['hi', 'bob'],
      ['yo', 'zed'],
    ])
  })

  it('drops a goodbye from a stranger without a word, and a bad nickname in a goodbye', async () => {
    const { presence, membersOf } = await plugins()
    const plugin = presence({ to: '127.0.0.1:9' })
    const t = await kit([plugin])
    const [bob, cyd] = [t.peer('bob'), t.peer('cyd')]
    await bob.send('^here^ bob')
    ;(await cyd.send('^gone^ cyd')).expectDrop('presence: goodbye')
    ;(await bob.send('^here^ bob')).expectDrop('presence: announcement')
    ;(await cyd.send('^here^ a\nb')).expectDrop('presence: a nickname that is not 1-32 printable characters')
    ;(await bob.send('^gone^ \x07')).expectDrop('presence: a nickname that is not 1-32 printable characters')
    ;(await bob.send(`^here^ ${'x'.repeat(33)}`)).expectDrop(
      'presence: a nickname that is not 1-32 printable characters',
    )
    expect(membersOf(plugin).map((m) => m.name)).toEqual(['bob'])
    expect(logs(t)).toEqual([`bob is here (127.0.0.1:${bob.address.port})`])
  })

  it('keeps maxMembers members, not one fewer', async () => {
    const { presence, membersOf } = await plugins()
    const plugin = presence({ to: '127.0.0.1:9', maxMembers: 2 })
    const t = await kit([plugin])
    for (const name of ['a', 'b', 'c']) await t.peer(name).send(`^here^ ${name}`)
    expect(membersOf(plugin).map((m) => m.name)).toEqual(['a', 'b'])
    expect([membersOf({ members: 'not a function' }), membersOf(undefined)]).toEqual([[], []])
  })

  it('without a name announces nothing, at start, every interval or at the end', async () => {
    vi.useFakeTimers()
    const { presence } = await plugins()
    const network = createMemoryNetwork()
    const lan = (await kit({ network })).peer('lan')
    const t = await kit({ network, plugins: [presence({ to: `127.0.0.1:${lan.address.port}`, every: 100 })] })
    await vi.advanceTimersByTimeAsync(500)
    await t.close()
    expect(lan.inbox).toEqual([])
  })

  it('keeps its table and says no goodbye across a reload', async () => {
    vi.useFakeTimers()
    const { presence, membersOf } = await plugins()
    const network = createMemoryNetwork()
    const lan = (await kit({ network })).peer('lan')
    const to = `127.0.0.1:${lan.address.port}`
    const t = await kit({ network, plugins: [presence({ name: 'ann', to, every: 1000 })] })
    await t.peer('bob').send('^here^ bob')
    const next = presence({ name: 'ann', to, every: 2000 })
    await t.reload([next])
    expect(membersOf(next).map((m) => m.name)).toEqual(['bob'])
    await vi.advanceTimersByTimeAsync(2000)
    expect(lan.take()).toEqual(['^here^ ann', '^here^ ann', '^here^ ann'])
  })
})
