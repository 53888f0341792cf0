import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../core/index.ts'
import { codec, isCodec, isSupportedEncoding, uppercaseEcho } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

describe('codec() names and kinds', () => {
  it('isSupportedEncoding() knows utf-8 however it is written, and what iconv-lite knows', () => {
    for (const name of ['utf-8', 'UTF-8', 'utf8', 'Utf8', 'gbk', 'GB18030', 'big5', 'shift_jis', 'latin1']) {
      expect(isSupportedEncoding(name)).toBe(true)
    }
    for (const name of ['klingon', '', 'utf-9']) expect(isSupportedEncoding(name)).toBe(false)
  })

  it('codec() trims and lower-cases the name, and calls every spelling of UTF-8 utf-8', () => {
    const names = [' GBK ', 'UTF-8', ' utf8\t', 'Latin1'].map((name) => codec(name))
    expect(resolveConfig({ plugins: names }).plugins.map((p) => p.options)).toEqual(['gbk', 'utf-8', 'utf-8', 'latin1'])
  })

  it('codec() refuses a name that is not a string, saying what it wants', () => {
    const plugin = { ...codec('gbk'), options: 42 }
    expect(() => resolveConfig({ plugins: [plugin as never] })).toThrow(
      /plugins\[0\]: expected an encoding name \(string\), got `42`/,
    )
  })

  it('isCodec() is true for any codec() plugin, whatever it is named, and false for anything else', () => {
    expect(isCodec(codec())).toBe(true)
    expect(isCodec(codec('gbk'))).toBe(true)
    expect(isCodec({ ...codec('gbk') })).toBe(false)
    expect(isCodec(uppercaseEcho())).toBe(false)
    expect(isCodec({ name: 'codec' })).toBe(false)
    for (const other of [null, undefined, 'codec', 42]) expect(isCodec(other)).toBe(false)
  })

  it('codec() with no name is utf-8: a message is decoded and flagged by UTF-8 rules', async () => {
    const t = await kit([codec()])
    const message = (await t.peer().send(Uint8Array.of(0xe4, 0xbd, 0xa0, 0xc3))).expectDelivered('你\uFFFD')
    expect(message.encoding).toBe('utf-8')
    expect(message.malformed).toBe(true)
  })

  it('codec() in a legacy encoding sends ASCII text without a warning', async () => {
    const t = await kit([codec('shift_jis')])
    const peer = t.peer('old', { encoding: 'shift_jis' })
    const delivery = await t.send('plain ascii ~\\ text', peer)
    delivery.expectReply('plain ascii ~\\ text')
    expect(delivery.logs).toEqual([])
    const message = (await peer.send(Buffer.from('plain'))).expectDelivered('plain')
    expect(message.encoding).toBe('shift_jis')
    expect(message.malformed).toBeUndefined()
  })
})
