import { describe, expect, it } from 'vitest'
import { uppercaseEcho } from '../../plugins/index.ts'
import { kit } from '../helpers/kit.ts'

const utf8 = (text: string) => Buffer.byteLength(text)

describe('uppercaseEcho() never answers with more bytes than came', () => {
  it.each([
    // upper case of the same size: taken
    ['é', 'É'],
    // Latin-1 whose upper case is not: µ to Μ, ÿ to Ÿ (2 bytes each)
    ['µ ÿ à', 'Μ Ÿ À'],
    ['ß é', 'SS É'],
    ['ǆ', 'Ǆ'],
    ['ᵹ', 'Ᵹ'],
    ['𐐨 deseret', '𐐀 DESERET'],
    // longer in UTF-16 but not in UTF-8 (ß: 2 bytes, SS: 2), or shorter (ﬀ: 3 bytes, FF: 2): taken
    ['straße', 'STRASSE'],
    ['ﬀ', 'FF'],
    // shorter in UTF-8: taken (ı: 2 bytes, I: 1; ᲀ: 3 bytes, В: 2)
    ['ı', 'I'],
    ['\u1c80', '\u0412'],
    // longer in UTF-8: the letter stays as it is, wherever it stands, and the rest is upper-cased
    ['ɐ', 'ɐ'],
    ['1ɐ2', '1ɐ2'],
    ['ɐa', 'ɐA'],
    ['aɐ', 'Aɐ'],
    ['ΐ', 'ΐ'],
    ['ŉ ok', 'ŉ OK'],
    ['ɐ 𐐨', 'ɐ 𐐀'],
  ])('uppercaseEcho() answers %j with %j', async (text, upper) => {
    const t = await kit([uppercaseEcho()])
    const peer = t.peer()
    ;(await peer.send(text)).expectReply(upper)
    expect(peer.datagrams[0]!.byteLength).toBeLessThanOrEqual(utf8(text))
  })

  it('uppercaseEcho() answers bytes that did not decode with "?", and keeps a U+FFFD that was sent as one', async () => {
    const t = await kit([uppercaseEcho()])
    const peer = t.peer()
    const malformed = await peer.send(Uint8Array.of(0x68, 0x69, 0xff, 0x21))
    expect(malformed.expectDelivered().malformed).toBe(true)
    malformed.expectReply('HI?!')
    expect([...peer.datagrams[0]!]).toEqual([0x48, 0x49, 0x3f, 0x21])
    ;(await peer.send('hi \uFFFD')).expectReply('HI \uFFFD')
    // Also when the text takes the slow way (a longer upper case, or one in a longer UTF-8 class).
    ;(await peer.send('ß \uFFFD')).expectReply('SS \uFFFD')
    ;(await peer.send('ɐ \uFFFD')).expectReply('ɐ \uFFFD')
  })

  it('uppercaseEcho() answers every Latin-1 character upper-cased, with no more bytes, alone or beside ß', async () => {
    const t = await kit([uppercaseEcho()])
    const peer = t.peer()
    const latin1 = Array.from({ length: 256 }, (_, code) => String.fromCharCode(code))
    const noSharpS = latin1.filter((char) => char !== 'ß').join('')
    ;(await peer.send(noSharpS)).expectReply(noSharpS.toUpperCase())
    ;(await peer.send(latin1.join(''))).expectReply(latin1.join('').toUpperCase())
    expect(peer.datagrams[0]!.byteLength).toBe(utf8(noSharpS))
    expect(peer.datagrams[1]!.byteLength).toBe(utf8(latin1.join('')))
  })

  it('uppercaseEcho() answers an ASCII text (controls and DEL included) byte for byte, upper-cased', async () => {
    const t = await kit([uppercaseEcho()])
    const text = 'abc xyz \t\r\n\u0000\u007f {}~'
    ;(await t.peer().send(text)).expectReply('ABC XYZ \t\r\n\u0000\u007f {}~')
  })
})
