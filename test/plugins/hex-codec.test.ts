import { describe, expect, it } from 'vitest'
import { definePlugin } from '../../core/index.ts'
import { codec, isCodec } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

const ALL = Uint8Array.from({ length: 256 }, (_, i) => i)

/** A bot that answers the bytes 01 02 with 03 04 ff, as the hex-bot fixture does. */
const bytesBot = definePlugin({
  name: 'bytesBot',
  inbound: (m, ctx) => (m.text === '01 02' ? ctx.reply(m, '03 04 ff') : undefined),
})

describe("codec('hex'), in memory", () => {
  it("codec('hex') shows each datagram as hex pairs, every byte value, with the encoding `hex`", async () => {
    const t = await kit([codec('hex')])
    const peer = t.peer()
    const message = (await peer.send(Uint8Array.of(0x68, 0x69, 0x0d, 0x0a))).expectDelivered('68 69 0d 0a')
    expect(message.encoding).toBe('hex')
    expect(message.malformed).toBeUndefined()
    const all = (await peer.send(ALL)).expectDelivered()
    expect(all.text.split(' ')).toHaveLength(256)
    expect(all.text.slice(0, 11)).toBe('00 01 02 03')
    expect(all.text.slice(-5)).toBe('fe ff')
  })

  it("codec('hex') lets a bot match bytes as text and answer bytes, sent as they are", async () => {
    const t = await kit([codec('hex'), bytesBot])
    const peer = t.peer()
    ;(await peer.send(Uint8Array.of(1, 2))).expectReply()
    expect([...peer.datagrams[0]!]).toEqual([0x03, 0x04, 0xff])
  })

  it("codec('hex') sends what the chat types as the bytes it spells, however they are written", async () => {
    const t = await kit([codec('hex')])
    const peer = t.peer()
    for (const typed of ['de ad be ef', 'DEADBEEF', '0xde, 0xad, 0xbe, 0xef', '\\xde\\xad\\xbe\\xef']) {
      ;(await t.send(typed, peer)).expectReply()
    }
    expect(peer.datagrams.map((d) => Buffer.from(d).toString('hex'))).toEqual(Array(4).fill('deadbeef'))
  })

  it("codec('hex') drops a line that is not hex with the reason, before other plugins see it, and sends nothing", async () => {
    const seen: string[] = []
    const tap = definePlugin({ name: 'tap', outbound: (m) => void seen.push(m.text) })
    const t = await kit([tap, codec('hex')])
    const peer = t.peer()
    await expect(t.send('not hex', peer)).rejects.toThrow(
      'codec dropped it (Expected hex bytes (such as `68 69 0d 0a`), got `n` in `not hex`)',
    )
    await expect(t.send('68 6', peer)).rejects.toThrow(
      'codec dropped it (Expected hex bytes in pairs of digits, got an odd number (3) in `68 6`)',
    )
    await t.settle()
    expect(peer.datagrams).toEqual([])
    expect(seen).toEqual([])
    ;(await t.send('68 69', peer)).expectReply()
    expect(seen).toEqual(['68 69'])
  })

  it("codec('hex') is known as the codec, whatever case the name is written in", () => {
    for (const name of ['hex', ' HEX ', 'Hex']) {
      const plugin = codec(name)
      expect(isCodec(plugin)).toBe(true)
      expect(plugin.name).toBe('codec')
      expect(plugin.options).toBe('hex')
    }
  })
})
