import { describe, expect, it } from 'vitest'
import { createChat, resolveConfig, type Chat, type Message, type PluginContext } from '../../core/index.ts'
import { codec } from '../../plugins/index.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket } from '../helpers/udp.ts'

const PEER = { host: '127.0.0.1', port: 9, family: 'IPv4' } as const

/** The codec's hooks with a context carrying its validated options, as the chat would call them. */
function hooks(encoding: string) {
  const { plugin, options } = resolveConfig({ plugins: [codec(encoding)] }).plugins[0]!
  const warnings: string[] = []
  const ctx = { options, logger: { warn: (text: string) => warnings.push(text) } } as unknown as PluginContext
  return {
    decode: (bytes: Uint8Array) => plugin.decode!(bytes, ctx, PEER)!,
    encode: (text: string) => Buffer.from(plugin.encode!(text, ctx, PEER)!),
    warnings,
  }
}

describe('codec()', () => {
  it.each([
    ['utf-8', '你好, world ✓', 'e4bda0e5a5bd2c20776f726c6420e29c93'],
    ['gbk', '你好，世界', 'c4e3bac3a3accac0bde7'],
    ['gb18030', '你好€😀', 'c4e3bac3a2e39439fc36'],
    ['big5', '你好', 'a741a66e'],
    ['shift_jis', 'こんにちは', '82b182f182c982bf82cd'],
    ['latin1', 'café', '636166e9'],
  ])('round-trips %s text through the exact bytes plain sockets use', (encoding, text, hex) => {
    const codec = hooks(encoding)
    expect(codec.encode(text).toString('hex')).toBe(hex)
    expect(codec.decode(Buffer.from(hex, 'hex'))).toEqual({ text, encoding })
  })

  it('turns undecodable gbk bytes into U+FFFD and flags the message', () => {
    expect(hooks('gbk').decode(Buffer.from([0xc4, 0xe3, 0xff]))).toEqual({
      text: '你\uFFFD',
      encoding: 'gbk',
      malformed: true,
    })
  })

  it('turns invalid utf-8 into U+FFFD and flags it, but keeps a real U+FFFD unflagged', () => {
    const utf8 = hooks('utf-8')
    expect(utf8.decode(Buffer.from([0x68, 0x69, 0xc3]))).toEqual({
      text: 'hi\uFFFD',
      encoding: 'utf-8',
      malformed: true,
    })
    expect(utf8.decode(Buffer.from('\uFFFD'))).toEqual({ text: '\uFFFD', encoding: 'utf-8' })
  })

  it('warns when text has characters the encoding cannot write', () => {
    const gbk = hooks('gbk')
    expect(gbk.encode('hi 😀').toString()).toBe('hi ?')
    expect(gbk.warnings).toEqual(['Some characters cannot be written in gbk; they were sent as "?"'])
  })

  it('accepts encoding names in any case and utf8 as utf-8', () => {
    expect(resolveConfig({ plugins: [codec('UTF8'), codec('GBK')] }).plugins.map((p) => p.options)).toEqual([
      'utf-8',
      'gbk',
    ])
  })
})

describe('codec() on the wire', () => {
  it('decodes gbk from a plain socket and answers in gbk bytes', async () => {
    let received!: (m: Message) => void
    const message = new Promise<Message>((resolve) => (received = resolve))
    const chat = await createChat({
      config: resolveConfig({ host: '127.0.0.1', port: 0, plugins: [codec('gbk')] }),
      onEvent: (e) => e.type === 'message' && received(e.message),
    })
    const python = await plainSocket()
    closeAfterTest(chat)
    closeAfterTest(python)
    await python.send(Buffer.from('c4e3bac3', 'hex'), chat.local.port)
    expect(await message).toMatchObject({ text: '你好', encoding: 'gbk', bytes: Buffer.from('c4e3bac3', 'hex') })
    await chat.send('收到', `127.0.0.1:${python.port}`)
    expect((await python.next()).data.toString('hex')).toBe('cad5b5bd')
  })
})
