import { describe, expect, it } from 'vitest'
import { definePlugin, drop } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'

// The `sent` hook: told once the socket took a datagram, never for one that did not leave.
describe('the sent hook', () => {
  it('hears what left, as the outbound chain left it, with its size; not what a hook or a limit stopped', async () => {
    const heard: Array<[string, number]> = []
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'echo',
          inbound: (m, ctx) => ctx.reply(m, m.text === 'big' ? 'x'.repeat(70_000) : m.text),
          sent: (out, _ctx, bytes) => void heard.push([out.text, bytes]),
        }),
        definePlugin({
          name: 'gate',
          outbound: (out) => (out.text === 'secret' ? drop('no') : { ...out, text: `${out.text}!` }),
        }),
      ],
      config: { limits: { amplification: false } },
    })
    const alice = t.peer('alice')
    await alice.send('hi')
    await alice.send('secret')
    await alice.send('big')
    expect(alice.inbox).toEqual(['hi!'])
    expect(heard).toEqual([['hi!', 3]])
  })

  it('takes a hook that returns a value that is not a promise (an arrow returning push()) as done, not failed', async () => {
    const heard: string[] = []
    const t = await kit([
      definePlugin({
        name: 'echo',
        inbound: (m, ctx) => ctx.reply(m, m.text),
        sent: ((out: { text: string }) => heard.push(out.text)) as never,
      }),
    ])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectReply('hi')
    expect(heard).toEqual(['hi'])
    expect(delivery.errors).toEqual([])
    expect(t.events.filter((e) => e.type === 'error')).toEqual([])
  })

  it('reports a sent hook that throws as an error of its plugin, and the datagram still counts as sent', async () => {
    const t = await kit([
      definePlugin({
        name: 'echo',
        inbound: (m, ctx) => ctx.reply(m, m.text),
        sent: () => {
          throw new Error('boom')
        },
      }),
    ])
    const alice = t.peer('alice')
    const delivery = await alice.send('hi')
    expect(alice.inbox).toEqual(['hi'])
    expect(delivery.errors.map((e) => [e.plugin, e.hook, e.error.message])).toEqual([['echo', 'sent', 'boom']])
  })
})
