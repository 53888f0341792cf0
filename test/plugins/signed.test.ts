import { describe, expect, it } from 'vitest'
import { createMemoryNetwork } from '../../core/testing.ts'
import { heartbeat, relay, signed } from '../../plugins/index.ts'
import { ReplayWindow, REPLAY_WINDOW } from '../../plugins/_replay-window.ts'
import { seal } from '../../plugins/_signature.ts'
import { kit } from '../helpers/kit.ts'

const keys = {
  alice: 'alice secret 0123456789',
  bob: { secret: 'bob secret 0123456789', name: 'Bob' },
  relay: 'relay secret 0123456789',
}
const bytes = (text: string) => new TextEncoder().encode(text)
const secret = (id: 'alice' | 'relay') => bytes(keys[id])

describe('signed()', () => {
  it('signs what it sends and names the sender by its key; the other side reads it', async () => {
    const network = createMemoryNetwork()
    const bob = await kit({ network, plugins: [signed({ keys, as: 'bob' })] })
    const alice = await kit({ network, plugins: [signed({ keys, as: 'alice' })] })
    await alice.send('hi bob', `127.0.0.1:${bob.address.port}`)
    await bob.settle()
    expect(bob.messages.map((m) => [m.text, m.meta.peer])).toEqual([['hi bob', 'alice']])
    await bob.send('hi alice', `127.0.0.1:${alice.address.port}`)
    await alice.settle()
    expect(alice.messages.map((m) => [m.text, m.meta.peer])).toEqual([['hi alice', 'Bob']])
  })

  it('drops unsigned, tampered, replayed and unknown-key datagrams before any other plugin sees them', async () => {
    const seen: string[] = []
    const t = await kit([{ name: 'spy', inbound: (m) => void seen.push(m.text) }, signed({ keys, as: 'relay' })])
    const mallory = t.peer('mallory')
    ;(await mallory.send('hello')).expectDrop('signed: not signed')
    const genuine = seal(bytes('genuine'), 'alice', secret('alice'), 1000)
    const tampered = genuine.slice()
    tampered[genuine.byteLength - 40]! ^= 1
    ;(await mallory.send(tampered)).expectDrop('signed: the signature does not match')
    ;(await mallory.send(genuine)).expectDelivered('genuine')
    ;(await mallory.send(genuine)).expectDrop('signed: a replay, or too old (key alice, seq 1000)')
    ;(await mallory.send(seal(bytes('x'), 'carol', bytes('carol secret 0123456789'), 1))).expectDrop(
      'signed: signed with a key this room does not have',
    )
    expect(seen).toEqual(['genuine'])
  })

  it('moves its window only for datagrams whose signature checked', async () => {
    const t = await kit([signed({ keys, as: 'relay' })])
    const peer = t.peer()
    await peer.send(seal(bytes('first'), 'alice', secret('alice'), 10))
    // A forgery far ahead: had it moved the window, seq 11 would now be too old.
    ;(
      await peer.send(seal(bytes('forged'), 'alice', bytes('not the secret 0123'), 10 + 10 * REPLAY_WINDOW))
    ).expectDrop('signed: the signature does not match')
    ;(await peer.send(seal(bytes('second'), 'alice', secret('alice'), 11))).expectDelivered('second')
  })

  it('rejects a config whose `as` is not one of its keys, and short secrets', async () => {
    await expect(kit([signed({ keys, as: 'carol' })])).rejects.toThrow(/as/)
    await expect(kit([signed({ keys: { a: 'short' }, as: 'a' })])).rejects.toThrow(/16 characters/)
  })

  it('with relay(): members see lines named by the signer’s key, and a relay reload keeps the windows', async () => {
    const network = createMemoryNetwork()
    const room = await kit({ network, plugins: [signed({ keys, as: 'relay' }), relay({ format: '{from}: {text}' })] })
    const to = `127.0.0.1:${room.address.port}`
    const alice = await kit({ network, plugins: [signed({ keys, as: 'alice' })] })
    const bob = await kit({ network, plugins: [signed({ keys, as: 'bob' })] })
    await bob.send('^hb^', to)
    await alice.send('hello', to)
    await room.settle()
    await bob.settle()
    expect(bob.messages.map((m) => [m.text, m.meta.peer])).toEqual([['alice: hello', 'relay']])
    await room.reload([signed({ keys, as: 'relay' }), relay({ format: '<{from}> {text}' })])
    await alice.send('again', to)
    await room.settle()
    await bob.settle()
    expect(bob.messages.at(-1)?.text).toBe('<alice> again')
  })
})

describe('signed() with a proven relay and heartbeat()', () => {
  it('the cookie exchange happens inside the signatures, and lines carry the key’s name', async () => {
    const network = createMemoryNetwork()
    const room = await kit({ network, plugins: [signed({ keys, as: 'relay' }), relay({ members: 'proven' })] })
    const to = `127.0.0.1:${room.address.port}`
    const alice = await kit({ network, plugins: [signed({ keys, as: 'alice' }), heartbeat({ to })] })
    await alice.settle()
    await room.settle()
    await alice.settle()
    await alice.send('signed and proven', to)
    await room.settle()
    await alice.settle()
    expect(alice.messages.map((m) => [m.text, m.meta.peer])).toEqual([['alice: signed and proven', 'relay']])
    const reasons = room.events.flatMap((e) => (e.type === 'drop' ? [e.reason] : []))
    expect(reasons).toEqual(['relay: not a member yet; sent it a cookie', 'relay: heartbeat'])
  })
})

describe('ReplayWindow', () => {
  it('takes each sequence number once, in any order within the window, and none behind it', () => {
    const w = new ReplayWindow()
    const take = (seq: number) => {
      const ok = w.check(seq)
      if (ok) w.update(seq)
      return ok
    }
    expect([take(5), take(3), take(5), take(4), take(3)]).toEqual([true, true, false, true, false])
    expect(take(5 + REPLAY_WINDOW)).toBe(true)
    expect([take(5), take(6), take(6)]).toEqual([false, true, false])
    expect(take(2 ** 52)).toBe(true)
    expect([take(2 ** 52 - REPLAY_WINDOW), take(2 ** 52 - REPLAY_WINDOW + 1), take(2 ** 52 - 1)]).toEqual([
      false,
      true,
      true,
    ])
  })
})
