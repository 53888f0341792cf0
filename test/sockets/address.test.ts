import dgram from 'node:dgram'
import { describe, expect, it } from 'vitest'
import { createChat, parseHostPort, resolveConfig, type Chat, type Message } from '../../core/index.ts'
import { getTransport } from '../../core/transport.ts'
import { sendHost } from '../../core/address.ts'
import { createMemoryNetwork } from '../../core/testing.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'

describe('parseHostPort()', () => {
  it.each([
    ['192.168.1.20:7788', { host: '192.168.1.20', port: 7788 }],
    ['localhost:9', { host: 'localhost', port: 9 }],
    ['[::1]:7788', { host: '::1', port: 7788 }],
    ['7788', { host: '127.0.0.1', port: 7788 }],
    ['alice', undefined],
    ['::1', undefined],
    ['host:port', undefined],
  ])('reads %s', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected)
  })

  it('rejects a port out of range with the value it got', () => {
    expect(() => parseHostPort('1.2.3.4:70000')).toThrow("Cannot send to `1.2.3.4:70000`: a target's port is 1-65535")
  })
})

describe('UdpTransport.lookup()', () => {
  const transports = [
    ['the runtime', getTransport()],
    ['the memory network', createMemoryNetwork().transport],
  ] as const

  it.each(transports)('answers IP addresses without a lookup (%s)', async (_name, transport) => {
    await expect(transport.lookup('::1')).resolves.toEqual({ host: '::1', family: 'IPv6' })
    await expect(transport.lookup('::ffff:10.0.0.1')).resolves.toEqual({ host: '::ffff:10.0.0.1', family: 'IPv6' })
    await expect(transport.lookup('10.0.0.1')).resolves.toEqual({ host: '10.0.0.1', family: 'IPv4' })
  })

  it.each(transports)(
    'takes `:::`, `abc:def` and `dead:beef` for what they are: not addresses (%s)',
    async (_name, transport) => {
      for (const host of [':::', 'abc:def', 'dead:beef', '1.2.3.256']) {
        await expect(transport.lookup(host)).rejects.toMatchObject({
          code: 'E_RESOLVE',
          message: expect.stringContaining(`\`${host}\``),
        })
      }
    },
  )
})

describe('sendHost()', () => {
  it('maps an IPv4 peer for an IPv6 socket and leaves everything else as it is', () => {
    expect(sendHost({ host: '10.0.0.1', port: 1, family: 'IPv4' }, 'IPv6')).toBe('::ffff:10.0.0.1')
    expect(sendHost({ host: '10.0.0.1', port: 1, family: 'IPv4' }, 'IPv4')).toBe('10.0.0.1')
    expect(sendHost({ host: '::1', port: 1, family: 'IPv6' }, 'IPv6')).toBe('::1')
  })
})

describe('createChat() over IPv6', () => {
  it('binds ::1, receives from an IPv6 peer and answers it', async () => {
    let received!: (m: Message) => void
    const message = new Promise<Message>((resolve) => (received = resolve))
    const chat = closeAfterTest(
      await createChat({
        config: resolveConfig({ host: '::1', port: 0 }),
        onEvent: (e) => e.type === 'message' && received(e.message),
      }),
    )
    expect(chat.local).toMatchObject({ host: '::1', family: 'IPv6' })
    const peer = closeAfterTest(dgram.createSocket('udp6'))
    await new Promise<void>((resolve) => peer.bind(0, '::1', resolve))
    const reply = new Promise<string>((resolve) => peer.once('message', (data) => resolve(data.toString())))
    peer.send('hi over v6', chat.local.port, '::1')
    expect(await message).toMatchObject({
      text: 'hi over v6',
      from: { host: '::1', port: peer.address().port, family: 'IPv6' },
    })
    await chat.send('hello v6', `[::1]:${peer.address().port}`)
    expect(await reply).toBe('hello v6')
  })
})
