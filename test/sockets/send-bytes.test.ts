import { afterEach, describe, expect, it } from 'vitest'
import {
  createChat,
  definePlugin,
  drop,
  resolveConfig,
  type Chat,
  type ChatEvent,
  type Plugin,
} from '../../core/index.ts'
import { codec as codecPlugin } from '../../plugins/index.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const open: Array<Chat | PlainSocket> = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()))
})

async function start(plugins: Plugin<any>[]) {
  const events: ChatEvent[] = []
  const chat = await createChat({
    config: resolveConfig({ host: '127.0.0.1', port: 0, plugins }),
    onEvent: (e) => void events.push(e),
  })
  const peer = await plainSocket()
  open.push(chat, peer)
  return { chat, peer, events }
}

const shout = definePlugin({ name: 'shout', outbound: (out) => ({ ...out, text: out.text.toUpperCase() }) })

describe('Chat.send()', () => {
  it('sends a Uint8Array exactly as given: no outbound hook, no encoder', async () => {
    const { chat, peer, events } = await start([codecPlugin('gbk'), shout])
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    await chat.send(all, `127.0.0.1:${peer.port}`)
    expect(new Uint8Array((await peer.next()).data)).toEqual(all)
    expect(events.find((e) => e.type === 'sent')).toMatchObject({
      bytes: 256,
      text: expect.stringMatching(/^hex:00 01 02 /),
    })
  })

  it('rejects, naming the plugin and its reason, when an outbound hook drops the message (it used to wait forever)', async () => {
    const censor = definePlugin({
      name: 'censor',
      outbound: (out) => (/secret/i.test(out.text) ? drop('no secrets') : undefined),
    })
    const { chat, peer } = await start([shout, censor])
    await expect(chat.send('the secret', `127.0.0.1:${peer.port}`)).rejects.toThrow(
      `Not sent to 127.0.0.1:${peer.port}: censor dropped it (no secrets)`,
    )
    await chat.send('fine', `127.0.0.1:${peer.port}`)
    expect((await peer.next()).data.toString()).toBe('FINE')
  })
})
