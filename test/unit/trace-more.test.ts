import { describe, expect, it } from 'vitest'
import { definePlugin, drop, type ChatEvent, type Plugin, type Trace } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'

// The tracer's other paths (test/unit/trace.test.ts has the common ones): codecs that pass or
// throw, async hooks that drop or reject, the outbound chain, long texts clipped, sends that fail.
const traced = (plugins: Plugin<any>[]) => kit({ plugins, trace: true })

const steps = (trace: Trace) =>
  trace.steps.map(({ plugin, hook, did, detail }) =>
    [plugin, hook, did, detail].filter((x) => x !== undefined).join(' '),
  )
const tracesOf = (events: ChatEvent[]) => events.flatMap((e) => (e.type === 'trace' ? [e.trace] : []))

describe('createChat({ trace: true }), more ways', () => {
  it('shows a decoder that passes, one that throws, and the one that decodes', async () => {
    const t = await traced([
      definePlugin({ name: 'pass', decode: () => undefined }),
      definePlugin({
        name: 'bad',
        decode: () => {
          throw new Error('cannot read\nsecond line')
        },
      }),
      definePlugin({ name: 'latin', decode: (bytes) => ({ text: String.fromCharCode(...bytes), encoding: 'latin1' }) }),
    ])
    const [trace] = (await t.peer().send('hi')).traces
    expect(trace).toMatchObject({ direction: 'inbound', text: 'hi', outcome: 'delivered' })
    expect(steps(trace!)).toEqual(['pass decode passed', 'bad decode threw cannot read', 'latin decode decoded latin1'])
    expect(trace!.steps.every((s) => typeof s.ms === 'number' && s.ms >= 0)).toBe(true)
  })

  it('shows an async drop and an async failure, each with its detail', async () => {
    const t = await traced([
      definePlugin({
        name: 'later',
        inbound: async () => {
          throw new Error('slow boom')
        },
      }),
      definePlugin({ name: 'gate', inbound: async (m) => (m.text === 'no' ? drop('closed') : undefined) }),
    ])
    const [dropped] = (await t.peer().send('no')).traces
    expect(dropped).toMatchObject({ outcome: 'dropped' })
    expect(steps(dropped!)).toEqual(['later inbound threw slow boom', 'gate inbound dropped closed'])
    const [passed] = (await t.peer().send('yes')).traces
    expect(steps(passed!)).toEqual(['later inbound threw slow boom', 'gate inbound unchanged'])
  })

  it('clips a changed text past 60 characters, and shows one of 60 whole', async () => {
    const sixty = 'x'.repeat(60)
    const t = await traced([definePlugin({ name: 'grow', inbound: (m) => ({ ...m, text: `${m.text}y` }) })])
    const [whole] = (await t.peer().send('x'.repeat(59))).traces
    expect(steps(whole!)).toEqual([`grow inbound changed "${'x'.repeat(59)}y"`])
    const [clipped] = (await t.peer().send(sixty)).traces
    expect(steps(clipped!)).toEqual([`grow inbound changed "${sixty}..."`])
  })

  it('follows a message out: outbound hooks, the encoder that passes and the one that encodes, never sent', async () => {
    const seen: string[] = []
    const t = await traced([
      definePlugin({ name: 'sign', outbound: (m) => ({ ...m, text: `${m.text}!` }) }),
      definePlugin({ name: 'look', outbound: () => undefined }),
      definePlugin({ name: 'pass', encode: () => undefined }),
      definePlugin({ name: 'bytes', encode: (text) => new TextEncoder().encode(text.toUpperCase()) }),
      definePlugin({ name: 'after', sent: (m) => void seen.push(m.text) }),
    ])
    const bob = t.peer('bob')
    const delivery = await t.send('hi', bob)
    expect(bob.inbox).toEqual(['HI!'])
    expect(seen).toEqual(['hi!'])
    expect(delivery.traces).toHaveLength(1)
    expect(delivery.traces[0]).toMatchObject({ direction: 'outbound', text: 'hi', peer: bob.address, outcome: 'sent' })
    expect(steps(delivery.traces[0]!)).toEqual([
      'sign outbound changed "hi!"',
      'look outbound unchanged',
      'pass encode passed',
      'bytes encode encoded 3 bytes',
    ])
  })

  it('ends an outbound trace as dropped, or as failed when the datagram cannot leave', async () => {
    const t = await traced([
      definePlugin({ name: 'stop', outbound: (m) => (m.text === 'secret' ? drop('private') : undefined) }),
    ])
    const bob = t.peer('bob')
    await expect(t.chat.send('secret', bob.address)).rejects.toThrow()
    await t.settle()
    await expect(t.chat.send('x'.repeat(70_000), bob.address)).rejects.toMatchObject({ code: 'E_MSG_SIZE' })
    await t.settle()
    const [dropped, failed] = tracesOf(t.events)
    expect(dropped).toMatchObject({ text: 'secret', outcome: 'dropped' })
    expect(steps(dropped!)).toEqual(['stop outbound dropped private'])
    expect(failed).toMatchObject({ outcome: 'failed' })
    expect(steps(failed!)).toEqual(['stop outbound unchanged'])
    expect(bob.inbox).toEqual([])
  })

  it('keeps each message its own trace when hooks run for several at once', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let secondDone!: () => void
    const secondSeen = new Promise<void>((resolve) => (secondDone = resolve))
    const t = await traced([
      definePlugin({ name: 'wait', inbound: async (m) => (m.text === 'first' ? gate : undefined) }),
      definePlugin({ name: 'shout', inbound: (m) => ({ ...m, text: m.text.toUpperCase() }) }),
      definePlugin({ name: 'last', inbound: (m) => void (m.text === 'SECOND' && secondDone()) }),
    ])
    const peer = t.peer()
    const enc = new TextEncoder()
    t.network.deliver(enc.encode('first'), peer.address, t.address)
    t.network.deliver(enc.encode('second'), peer.address, t.address)
    // The second message passes the first, which waits in its first hook.
    await secondSeen
    release()
    await t.settle()
    const traces = tracesOf(t.events)
    const way = (text: string) => [
      'wait inbound unchanged',
      `shout inbound changed "${text}"`,
      'last inbound unchanged',
    ]
    expect(traces.map((x) => [x.text, steps(x)])).toEqual([
      ['second', way('SECOND')],
      ['first', way('FIRST')],
    ])
  })

  it('hands the wire hooks and codecs their third argument, as an untraced chat does', async () => {
    const seen: string[] = []
    const t = await traced([
      definePlugin({ name: 'in', unwrap: (bytes, _ctx, from) => void seen.push(`unwrap ${from.port}`) }),
      definePlugin({ name: 'out', wrap: (bytes, _ctx, to) => void seen.push(`wrap ${to.port}`) }),
      definePlugin({ name: 'dec', decode: (_b, _ctx, from) => void seen.push(`decode ${from.port}`) }),
      definePlugin({ name: 'enc', encode: (_t, _ctx, to) => void seen.push(`encode ${to.port}`) }),
      definePlugin({ name: 'told', sent: (_m, _ctx, bytes) => void seen.push(`sent ${bytes}`) }),
      definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, 'pong!') }),
    ])
    const peer = t.peer()
    const port = peer.address.port
    await peer.send('ping')
    expect(seen).toEqual([`unwrap ${port}`, `decode ${port}`, `encode ${port}`, `wrap ${port}`, 'sent 5'])
    expect(peer.inbox).toEqual(['pong!'])
  })

  it("starts each message's trace empty: a send's encoder steps stay with the send", async () => {
    const t = await traced([definePlugin({ name: 'look', inbound: () => undefined })])
    const bob = t.peer('bob')
    const out = await t.send('hello', bob)
    expect(out.traces.map(steps)).toEqual([[]])
    const [inbound] = (await bob.send('hi')).traces
    expect(steps(inbound!)).toEqual(['look inbound unchanged'])
  })

  it('reports no trace for raw bytes sent (they skip the hooks), and the send succeeds', async () => {
    const t = await traced([])
    const bob = t.peer('bob')
    await t.chat.send(Uint8Array.of(0x68, 0x69), bob.address)
    await t.settle()
    expect(bob.inbox).toEqual(['hi'])
    expect(tracesOf(t.events)).toEqual([])
  })

  it('times each step from its own start: no step takes longer than the whole message', async () => {
    const t = await traced([
      definePlugin({ name: 'look', inbound: () => undefined }),
      definePlugin({ name: 'later', inbound: async () => undefined }),
      definePlugin({
        name: 'bad',
        decode: () => {
          throw new Error('no')
        },
      }),
      definePlugin({ name: 'latin', decode: (bytes) => ({ text: String.fromCharCode(...bytes), encoding: 'latin1' }) }),
    ])
    const began = performance.now()
    const [trace] = (await t.peer().send('hi')).traces
    const took = performance.now() - began
    expect(trace!.steps).toHaveLength(4)
    for (const step of trace!.steps) expect(step.ms).toBeLessThanOrEqual(took)
  })

  it('calls a hook that returns the message it got, changed in place or not, unchanged', async () => {
    const t = await traced([
      definePlugin({ name: 'same', inbound: (m) => m }),
      definePlugin({ name: 'inPlace', inbound: (m) => Object.assign(m, { text: 'HI' }) }),
    ])
    const [trace] = (await t.peer().send('hi')).traces
    expect(steps(trace!)).toEqual(['same inbound unchanged', 'inPlace inbound unchanged'])
    expect(t.messages.map((m) => m.text)).toEqual(['HI'])
  })

  it("shows the guard's refusal of a reply over the amplification limit as the reply's last step", async () => {
    const t = await traced([definePlugin({ name: 'big', inbound: (m, ctx) => ctx.reply(m, 'x'.repeat(1000)) })])
    const delivery = await t.peer().send('hi')
    const reply = delivery.traces.find((x) => x.direction === 'outbound')!
    expect(reply).toMatchObject({ outcome: 'dropped', text: 'x'.repeat(1000) })
    expect(reply.steps.map((s) => [s.plugin, s.hook, s.did])).toEqual([['guard', 'outbound', 'dropped']])
    expect(reply.steps[0]!.detail).toMatch(/^guard: 127\.0\.0\.1 has not proved it receives what we send/)
  })
})
