import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { definePlugin } from '../../core/index.ts'
import { codec } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

const echo = definePlugin({ name: 'echo', inbound: (m, ctx) => ctx.reply(m, `你说：${m.text}`) })

describe('codec()', () => {
  it('decodes gbk datagrams and encodes replies in gbk, nothing added on the wire', async () => {
    const t = await kit([codec('gbk'), echo])
    const peer = t.peer('python', { encoding: 'gbk' })
    const delivery = await peer.send(iconv.encode('你好', 'gbk'))
    expect(delivery.expectDelivered('你好').encoding).toBe('gbk')
    delivery.expectReply('你说：你好')
    expect(Buffer.from(peer.datagrams[0]!)).toEqual(iconv.encode('你说：你好', 'gbk'))
  })

  it('flags bytes that do not decode as malformed instead of failing', async () => {
    const t = await kit([codec('utf-8')])
    const delivery = await t.peer().send(new Uint8Array([0x68, 0x69, 0xff]))
    const message = delivery.expectDelivered('hi\uFFFD')
    expect(message.malformed).toBe(true)
    expect(delivery.errors).toEqual([])
  })

  it('warns when a character cannot be written in the encoding, and sends "?"', async () => {
    const t = await kit([codec('latin1')])
    const peer = t.peer('old', { encoding: 'latin1' })
    const delivery = await t.send('naïve ☃', peer)
    delivery.expectReply('naïve ?')
    expect(delivery.logs).toEqual([
      { level: 'warn', tag: 'codec', text: 'Some characters cannot be written in latin1; they were sent as "?"' },
    ])
  })

  it('rejects an encoding nobody knows', async () => {
    await expect(kit([codec('klingon')])).rejects.toThrow(/plugins\[0\]: expected an encoding such as utf-8/)
  })
})
