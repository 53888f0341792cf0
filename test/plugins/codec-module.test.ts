import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../core/index.ts'
import { fresh } from '../helpers/fresh.ts'
import { kit } from '../helpers/kit.ts'

// codec.ts keeps its set of UTF-8 names and its non-ASCII pattern at module level (they are on
// the message path): each test loads it afresh so that they are checked too (test/helpers/fresh.ts).
const load = () => fresh(() => import('../../plugins/codec.ts'))

describe('codec() names and warnings, loaded afresh', () => {
  it('knows utf-8 and utf8 (and nothing empty), and calls both utf-8', async () => {
    const { codec, isSupportedEncoding } = await load()
    expect(['utf-8', 'utf8', 'UTF8', ''].map(isSupportedEncoding)).toEqual([true, true, true, false])
    expect(resolveConfig({ plugins: [codec('utf8'), codec('UTF-8')] }).plugins.map((p) => p.options)).toEqual([
      'utf-8',
      'utf-8',
    ])
  })

  it('warns when text with no ASCII in it cannot be written (gbk has no emoji)', async () => {
    const { codec } = await load()
    const t = await kit([codec('gbk')])
    const peer = t.peer('old', { encoding: 'gbk' })
    const delivery = await t.send('😀', peer)
    delivery.expectReply('?')
    expect(delivery.logs.map((l) => l.text)).toEqual([
      'Some characters cannot be written in gbk; they were sent as "?"',
    ])
  })

  it('sends non-ASCII text the encoding can write without a warning', async () => {
    const { codec } = await load()
    const t = await kit([codec('gbk')])
    const peer = t.peer('python', { encoding: 'gbk' })
    const delivery = await t.send('你好', peer)
    delivery.expectReply('你好')
    expect(Buffer.from(peer.datagrams[0]!)).toEqual(iconv.encode('你好', 'gbk'))
    expect(delivery.logs).toEqual([])
  })

  it('utf-8 writes a lone surrogate as U+FFFD, without the "sent as ?" warning of the legacy encodings', async () => {
    const { codec } = await load()
    const t = await kit([codec('utf-8')])
    const peer = t.peer()
    const delivery = await t.send('a\ud800b', peer)
    delivery.expectReply('a\uFFFDb')
    expect([...peer.datagrams[0]!]).toEqual([0x61, 0xef, 0xbf, 0xbd, 0x62])
    expect(delivery.logs).toEqual([])
  })
})
