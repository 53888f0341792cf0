import { describe, expect, it } from 'vitest'
import { definePlugin, drop, type Plugin } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'
import { codec } from '../../plugins/index.ts'

const traced = (plugins: Plugin<any>[]) => kit({ plugins, trace: true })

const steps = (trace: { steps: Array<{ plugin: string; hook: string; did: string; detail?: string; ms: number }> }) =>
  trace.steps.map(({ plugin, hook, did, detail }) =>
    [plugin, hook, did, detail].filter((x) => x !== undefined).join(' '),
  )

describe('createChat({ trace: true })', () => {
  it('reports each hook that saw a message: what it did and how long it took', async () => {
    const t = await traced([
      codec('utf-8'),
      definePlugin({ name: 'look', inbound: () => undefined }),
      definePlugin({ name: 'shout', inbound: (m) => ({ ...m, text: m.text.toUpperCase() }) }),
      definePlugin({ name: 'tag', inbound: (m) => ({ ...m, meta: { ...m.meta, seen: true } }) }),
      definePlugin({
        name: 'broken',
        inbound: () => {
          throw new Error('boom')
        },
      }),
      definePlugin({ name: 'bot', inbound: async (m, ctx) => ctx.reply(m, 'ok') }),
    ])
    const delivery = await t.peer().send('hi')
    const inbound = delivery.traces.find((x) => x.direction === 'inbound')!
    expect(inbound).toMatchObject({ text: 'hi', outcome: 'delivered' })
    expect(steps(inbound)).toEqual([
      'codec decode decoded utf-8',
      'look inbound unchanged',
      'shout inbound changed "HI"',
      'tag inbound changed meta',
      'broken inbound threw boom',
      'bot inbound replied',
    ])
    expect(inbound.steps.every((s) => s.ms >= 0)).toBe(true)
    const reply = delivery.traces.find((x) => x.direction === 'outbound')!
    expect(reply).toMatchObject({ text: 'ok', outcome: 'sent' })
    expect(steps(reply)).toEqual(['codec encode encoded 2 bytes'])
  })

  it('ends a trace at the hook that dropped the message, with the reason', async () => {
    const t = await traced([
      definePlugin({ name: 'filter', inbound: (m) => (m.text === 'spam' ? drop('no spam') : undefined) }),
      definePlugin({ name: 'after', inbound: () => undefined }),
    ])
    const [trace] = (await t.peer().send('spam')).traces
    expect(trace).toMatchObject({ outcome: 'dropped' })
    expect(steps(trace!)).toEqual(['filter inbound dropped no spam'])
  })

  it('reports no trace when off', async () => {
    const inbound = () => undefined
    const t = await kit([definePlugin({ name: 'look', inbound })])
    const delivery = await t.peer().send('hi')
    expect(delivery.traces).toEqual([])
  })
})
