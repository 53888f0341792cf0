import { describe, expect, it } from 'vitest'
import { definePlugin, drop, type Plugin } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'

// The strategies the engine calls hooks by, seen from a peer: `first` (decode, encode), `bytes`
// (unwrap, wrap) and the async half of `waterfall` (inbound, outbound).
const bytesOf = (text: string) => new TextEncoder().encode(text)
const textOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const echo = definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, `echo: ${m.text}`) })
const thrower = (message: string) => () => {
  throw new Error(message)
}

describe('decode and encode: the first plugin that answers', () => {
  it('asks the next decoder when one throws (reported) or answers nothing, and falls back to utf-8', async () => {
    const calls: string[] = []
    const t = await kit([
      definePlugin({ name: 'broken', decode: () => (calls.push('broken'), thrower('bad table')()) }),
      definePlugin({ name: 'shy', decode: () => void calls.push('shy') }),
      definePlugin({
        name: 'rot',
        decode: (b) => (calls.push('rot'), textOf(b) === 'rot' ? { text: 'decoded', encoding: 'rot' } : undefined),
      }),
      definePlugin({ name: 'never', decode: () => (calls.push('never'), { text: 'never', encoding: 'x' }) }),
    ])
    const alice = t.peer('alice')
    const first = await alice.send('rot')
    expect(first.expectDelivered('decoded').encoding).toBe('rot')
    expect(calls).toEqual(['broken', 'shy', 'rot'])
    expect(first.errors.map((e) => [e.plugin, e.hook, e.error.message])).toEqual([['broken', 'decode', 'bad table']])
    calls.length = 0
    const plain = await alice.send('plain')
    // `never` answers whatever it gets: it is asked only because the others had no answer.
    expect(plain.expectDelivered('never').encoding).toBe('x')
    expect(calls).toEqual(['broken', 'shy', 'rot', 'never'])
  })

  it('decodes as utf-8 when no decoder answers, and marks bytes that are not utf-8 malformed', async () => {
    const t = await kit([definePlugin({ name: 'shy', decode: () => undefined })])
    const alice = t.peer('alice')
    const ok = (await alice.send('héllo')).expectDelivered('héllo')
    expect(ok.encoding).toBe('utf-8')
    expect(ok.malformed).toBeUndefined()
    const bad = (await alice.send(new Uint8Array([0x68, 0xff, 0x69]))).expectDelivered()
    expect(bad.malformed).toBe(true)
  })

  it('a decoder that fails never fails closed: onError drop does not stop the datagram', async () => {
    const t = await kit([definePlugin({ name: 'strict', onError: 'drop', decode: thrower('no') }), echo])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectReply('echo: hi')
    expect(delivery.drop).toBeUndefined()
    expect(delivery.errors).toHaveLength(1)
  })

  it('encodes with the first encoder that answers, after one that throws, or as utf-8', async () => {
    const t = await kit([
      echo,
      definePlugin({ name: 'broken', encode: thrower('no table') }),
      definePlugin({ name: 'upper', encode: (text) => (text.endsWith('!') ? bytesOf(text.toUpperCase()) : undefined) }),
    ])
    const alice = t.peer('alice')
    const loud = await alice.send('hi!')
    loud.expectReply('ECHO: HI!')
    expect(loud.errors.map((e) => [e.plugin, e.hook])).toEqual([['broken', 'encode']])
    ;(await alice.send('hi')).expectReply('echo: hi')
  })

  it('reports an encoder that answers with something other than bytes, and asks the next, then utf-8', async () => {
    const t = await kit([
      echo,
      definePlugin({ name: 'wide', encode: (text) => new Uint16Array(text.length) as unknown as Uint8Array }),
      definePlugin({ name: 'texty', encode: (text) => text as unknown as Uint8Array }),
    ])
    const delivery = await t.peer('alice').send('hi')
    // The reply still leaves, as utf-8, exactly once; before, a Uint16Array with no wrap hook threw in the engine.
    delivery.expectReply('echo: hi')
    expect(delivery.errors.map((e) => [e.plugin, e.hook, e.error.message])).toEqual([
      ['wide', 'encode', 'its encode hook answered an object (Uint16Array), not bytes (a Uint8Array)'],
      ['texty', 'encode', 'its encode hook answered `"echo: hi"` (string), not bytes (a Uint8Array)'],
    ])
    await t.chat.idle()
  })

  it('reports a decoder whose answer is not a decoded message, and decodes as utf-8', async () => {
    const t = await kit([definePlugin({ name: 'odd', decode: () => ({ text: 42, encoding: 'x' }) as never })])
    const delivery = await t.peer('alice').send('héllo')
    expect(delivery.expectDelivered('héllo').encoding).toBe('utf-8')
    expect(delivery.errors.map((e) => [e.plugin, e.hook, e.error.message])).toEqual([
      ['odd', 'decode', 'its decode hook answered an object, not a decoded message ({ text, encoding }, both strings)'],
    ])
  })

  it('traces a decoder or encoder that answers the wrong kind as failing, not as decoding or encoding', async () => {
    const t = await kit({
      plugins: [
        echo,
        definePlugin({ name: 'odd', decode: () => 'hi' as never, encode: () => 'hi' as unknown as Uint8Array }),
      ],
      trace: true,
    })
    ;(await t.peer('alice').send('hi')).expectReply('echo: hi')
    const steps = t.events.flatMap((e) => (e.type === 'trace' ? e.trace.steps.filter((s) => s.plugin === 'odd') : []))
    expect(steps.map((s) => [s.hook, s.did, s.detail])).toEqual([
      [
        'decode',
        'threw',
        'its decode hook answered `"hi"` (string), not a decoded message ({ text, encoding }, both strings)',
      ],
      ['encode', 'threw', 'its encode hook answered `"hi"` (string), not bytes (a Uint8Array)'],
    ])
  })

  it('resets the failures in a row of a decoder that answers again', async () => {
    let n = 0
    const flaky = definePlugin({
      name: 'flaky',
      decode: (b) => {
        if (++n % 2) throw new Error('odd')
        return { text: textOf(b), encoding: 'flaky' }
      },
    })
    const t = await kit({ plugins: [flaky], maxFailures: 2 })
    const alice = t.peer('alice')
    for (let i = 0; i < 6; i++) await alice.send('x')
    expect(n).toBe(6)
    expect(t.events.some((e) => e.type === 'error' && /in a row/.test(e.error.message))).toBe(false)
  })
})

describe('unwrap and wrap: bytes in turn', () => {
  it('unwraps in plugin order and wraps in reverse, so the first plugin is the outermost', async () => {
    const framing = (tag: string): Plugin =>
      definePlugin({
        name: tag,
        unwrap: (b) => {
          const s = textOf(b)
          return s.startsWith(`${tag}(`) && s.endsWith(')') ? bytesOf(s.slice(tag.length + 1, -1)) : drop(`no ${tag}`)
        },
        wrap: (b) => bytesOf(`${tag}(${textOf(b)})`),
      })
    const t = await kit([framing('outer'), framing('inner'), echo])
    const alice = t.peer('alice')
    const delivery = await alice.send('outer(inner(hi))')
    expect(delivery.expectDelivered('hi').bytes).toEqual(bytesOf('hi'))
    delivery.expectReply('outer(inner(echo: hi))')
  })

  it('drops a datagram an unwrap hook refuses, showing none of it, before decode', async () => {
    let decoded = 0
    const t = await kit([
      definePlugin({ name: 'sig', unwrap: () => drop('bad signature') }),
      definePlugin({ name: 'dec', decode: () => void decoded++ }),
      echo,
    ])
    const alice = t.peer('alice')
    const delivery = await alice.send('secret')
    expect(delivery.expectDrop('bad signature')).toEqual({
      type: 'drop',
      plugin: 'sig',
      reason: 'bad signature',
      direction: 'inbound',
      peer: alice.address,
      text: '',
    })
    delivery.expectNothingSent()
    expect(decoded).toBe(0)
  })

  it('goes on with the bytes as they were when an unwrap hook throws (reported), unless it fails closed', async () => {
    const open = await kit([definePlugin({ name: 'sig', unwrap: thrower('bad key') }), echo])
    const delivery = await open.peer('alice').send('hi')
    delivery.expectReply('echo: hi')
    expect(delivery.errors.map((e) => [e.plugin, e.hook, e.error.message])).toEqual([['sig', 'unwrap', 'bad key']])

    const closed = await kit([definePlugin({ name: 'sig', onError: 'drop', unwrap: thrower('bad key') }), echo])
    const stopped = await closed.peer('alice').send('hi')
    stopped.expectDrop('its unwrap hook failed (the plugin fails closed)')
    stopped.expectNothingSent()
  })

  it('keeps the bytes when an unwrap or wrap hook returns nothing', async () => {
    const t = await kit([definePlugin({ name: 'look', unwrap: () => undefined, wrap: () => undefined }), echo])
    ;(await t.peer('alice').send('hi')).expectReply('echo: hi')
  })

  it("stops a reply whose fail-closed wrap hook throws, and rejects the chat's own send with the reason", async () => {
    const t = await kit([definePlugin({ name: 'sig', onError: 'drop', wrap: thrower('no key') }), echo])
    const alice = t.peer('alice')
    const delivery = await alice.send('hi')
    delivery.expectNothingSent()
    expect(delivery.expectDrop('its wrap hook failed (the plugin fails closed)')).toMatchObject({
      plugin: 'sig',
      direction: 'outbound',
      text: 'echo: hi',
    })
    await expect(t.chat.send('own', alice.address)).rejects.toThrow(
      'Not sent: its wrap hook failed (the plugin fails closed)',
    )
  })
})

describe('async inbound and outbound hooks', () => {
  it('goes on with what an async hook resolves to, or the message as it was when it resolves to nothing', async () => {
    const t = await kit([
      definePlugin({ name: 'tag', inbound: async (m) => ({ ...m, text: `[${m.text}]` }) }),
      definePlugin({ name: 'look', inbound: async () => undefined }),
      echo,
      definePlugin({ name: 'sign', outbound: async (m) => ({ ...m, text: `${m.text} ~a` }) }),
      definePlugin({ name: 'nothing', outbound: async () => undefined }),
    ])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectDelivered('[hi]')
    delivery.expectReply('echo: [hi] ~a')
  })

  it('goes on to the next hook after an async one that fails, unless it fails closed', async () => {
    const failing = async () => {
      throw new Error('later')
    }
    const t = await kit([definePlugin({ name: 'f', inbound: failing }), echo])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectReply('echo: hi')
    expect(delivery.errors.map((e) => [e.plugin, e.hook, e.error.message])).toEqual([['f', 'inbound', 'later']])
  })

  it('counts an async hook that rejects each time as failing in a row, and switches it off', async () => {
    // Before, returning the promise counted as a success: a hook that always rejected was never switched off.
    const t = await kit({
      plugins: [definePlugin({ name: 'f', inbound: async () => thrower('no')() })],
      maxFailures: 2,
    })
    const alice = t.peer('alice')
    await alice.send('a')
    const second = await alice.send('b')
    expect(second.errors.map((e) => e.error.message)).toEqual([
      'no',
      'its inbound hook failed 2 times in a row; switched off for 30 s (or until the next reload)',
    ])
  })

  it('resets the failures in a row of an async hook that succeeds', async () => {
    let n = 0
    const t = await kit({
      plugins: [
        definePlugin({
          name: 'odd',
          inbound: async () => {
            if (++n % 2) throw new Error('odd')
          },
        }),
      ],
      maxFailures: 2,
    })
    for (let i = 0; i < 6; i++) await t.peer().send('x')
    expect(n).toBe(6)
  })
})

describe('inbound and outbound: an answer that is not a message', () => {
  // Each used to reach the engine as the message: a TypeError there (its text's length, its
  // address), a message event without an address, and a chat that never went idle.
  const wrong: Array<[unknown, string]> = [
    [{}, 'an object'],
    ['hi', '`"hi"` (string)'],
    [42, '`42` (number)'],
    [[], 'an array of 0'],
    [{ text: 42 }, 'an object'],
    [{ text: 'no address' }, 'an object'],
  ]
  const IN = 'a message (text a string, and from, at, bytes and meta kept: { ...message, text })'
  const OUT = 'a message (text a string, and to and meta kept: { ...message, text })'
  const later = definePlugin({ name: 'later', inbound: async () => undefined, outbound: async () => undefined })

  it('reports an inbound answer of the wrong kind, sync or async, as the hook failing, and goes on unchanged', async () => {
    for (const [answer, described] of wrong) {
      for (const inbound of [() => answer, async () => answer]) {
        const t = await kit([definePlugin({ name: 'odd', inbound: inbound as never }), later, echo])
        const delivery = await t.peer('alice').send('hi')
        delivery.expectDelivered('hi')
        delivery.expectReply('echo: hi')
        expect(delivery.errors.map((e) => [e.plugin, e.hook, e.error.message])).toEqual([
          ['odd', 'inbound', `its inbound hook answered ${described}, not ${IN}`],
        ])
        await t.chat.idle()
      }
    }
  })

  it('reports an outbound answer of the wrong kind, sync or async, and sends the message unchanged', async () => {
    for (const [answer, described] of wrong) {
      for (const outbound of [() => answer, async () => answer]) {
        const t = await kit([echo, definePlugin({ name: 'odd', outbound: outbound as never }), later])
        const alice = t.peer('alice')
        const delivery = await alice.send('hi')
        delivery.expectReply('echo: hi')
        expect(delivery.errors.map((e) => [e.plugin, e.hook, e.error.message])).toEqual([
          ['odd', 'outbound', `its outbound hook answered ${described}, not ${OUT}`],
        ])
        await t.chat.send('own', alice.address)
        expect(alice.take()).toEqual(['echo: hi', 'own'])
        await t.chat.idle()
      }
    }
  })

  it('drops the message when the plugin fails closed, and counts the wrong answers as failures in a row', async () => {
    const t = await kit({
      plugins: [
        definePlugin({ name: 'odd', onError: 'drop', inbound: () => 'hi' as never, outbound: () => 7 as never }),
      ],
      maxFailures: 2,
    })
    const alice = t.peer('alice')
    ;(await alice.send('a')).expectDrop('its inbound hook failed (the plugin fails closed)')
    await expect(t.chat.send('own', alice.address)).rejects.toThrow('Not sent to 127.0.0.1')
    const second = await alice.send('b')
    expect(second.errors.map((e) => e.error.message)).toContain(
      'its inbound hook failed 2 times in a row; it now drops every message (the plugin fails closed) for 30 s (or until the next reload)',
    )
    expect(alice.inbox).toEqual([])
    await t.chat.idle()
  })

  it('traces a wrong answer as the hook failing, not as a change', async () => {
    const t = await kit({ plugins: [definePlugin({ name: 'odd', inbound: () => 'hi' as never }), echo], trace: true })
    const delivery = await t.peer('alice').send('hi')
    delivery.expectReply('echo: hi')
    expect(delivery.errors.map((e) => e.error.message)).toEqual([
      `its inbound hook answered \`"hi"\` (string), not ${IN}`,
    ])
    const traces = t.events.flatMap((e) => (e.type === 'trace' && e.trace.direction === 'inbound' ? [e.trace] : []))
    expect(traces.map((trace) => [trace.outcome, trace.steps.map((s) => [s.plugin, s.did])])).toEqual([
      [
        'delivered',
        [
          ['odd', 'threw'],
          ['echo', 'replied'],
        ],
      ],
    ])
  })
})

describe('unwrap and wrap: an answer that is not bytes', () => {
  // Each used to be ignored without a word: a signer's `async wrap` sent its datagrams unsigned,
  // and a rejected promise from one was unhandled.
  const NOT_BYTES = 'not bytes (a Uint8Array)'

  it('reports an unwrap answer of the wrong kind as the hook failing, and goes on with the bytes as they were', async () => {
    const answers = [() => 'hi', () => new Uint16Array(2), () => 42, () => Promise.reject(new Error('later'))]
    let n = 0
    const t = await kit([definePlugin({ name: 'odd', unwrap: () => answers[n++]!() as never }), echo])
    const alice = t.peer('alice')
    const messages: string[] = []
    for (let i = 0; i < answers.length; i++) {
      const delivery = await alice.send('hi')
      delivery.expectReply('echo: hi')
      messages.push(...delivery.errors.map((e) => `${e.plugin} ${e.hook}: ${e.error.message}`))
    }
    expect(messages).toEqual([
      `odd unwrap: its unwrap hook answered \`"hi"\` (string), ${NOT_BYTES}`,
      `odd unwrap: its unwrap hook answered an object (Uint16Array), ${NOT_BYTES}`,
      `odd unwrap: its unwrap hook answered \`42\` (number), ${NOT_BYTES}`,
      `odd unwrap: its unwrap hook answered an object (Promise), ${NOT_BYTES} (unwrap hooks are synchronous)`,
    ])
  })

  it('stops the datagram when the plugin fails closed: an async wrap sends nothing unsigned', async () => {
    const t = await kit([
      definePlugin({ name: 'sig', onError: 'drop', wrap: (async (b: Uint8Array) => b) as never }),
      echo,
    ])
    const alice = t.peer('alice')
    const delivery = await alice.send('hi')
    delivery.expectNothingSent()
    delivery.expectDrop('its wrap hook failed (the plugin fails closed)')
    expect(delivery.errors.map((e) => e.error.message)).toEqual([
      `its wrap hook answered an object (Promise), ${NOT_BYTES} (wrap hooks are synchronous)`,
    ])
    await expect(t.chat.send('own', alice.address)).rejects.toThrow('its wrap hook failed')
  })

  it('lets an async decoder or encoder that rejects be reported once, with no unhandled rejection', async () => {
    const t = await kit([
      echo,
      definePlugin({
        name: 'late',
        decode: (async () => thrower('no')()) as never,
        encode: (async () => thrower('no')()) as never,
      }),
    ])
    const delivery = await t.peer('alice').send('hi')
    delivery.expectReply('echo: hi')
    expect(delivery.errors.map((e) => e.error.message)).toEqual([
      'its decode hook answered an object (Promise), not a decoded message ({ text, encoding }, both strings) (decode hooks are synchronous)',
      'its encode hook answered an object (Promise), not bytes (a Uint8Array) (encode hooks are synchronous)',
    ])
  })
})
