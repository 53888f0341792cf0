import { afterEach, describe, expect, it, vi } from 'vitest'
import { definePlugin, type Address } from '../../core/index.ts'
import { createMemoryNetwork, createTestChat } from '../../core/testing.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'

// Datagrams that arrive after the socket is bound but before the plugins have started: held,
// then handed to the plugins once they are up, in order, with the time they arrived.
const PORT = 45_123
const chatAddress: Address = { host: '127.0.0.1', port: PORT, family: 'IPv4' }

function slowStart() {
  let started!: () => void
  let release!: () => void
  const setupBegan = new Promise<void>((resolve) => (started = resolve))
  const go = new Promise<void>((resolve) => (release = resolve))
  const plugin = definePlugin({
    name: 'slow',
    async setup() {
      started()
      await go
    },
    inbound: (m, ctx) => ctx.reply(m, `late: ${m.text}`),
  })
  return { plugin, setupBegan, release }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('datagrams that arrive while the plugins start', () => {
  it('are held and handed to the plugins once they are up, in order, with their arrival time', async () => {
    const network = createMemoryNetwork()
    const inbox: string[] = []
    const peer = network.bindNow({
      host: '127.0.0.1',
      port: 0,
      onDatagram: (data) => inbox.push(new TextDecoder().decode(data)),
      onError() {},
    })
    const { plugin, setupBegan, release } = slowStart()
    const starting = createTestChat({ network, config: { port: PORT }, plugins: [plugin] })
    await setupBegan
    // Only the clock is faked: an arrival time taken when the plugins start would read 5000.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1000)
    for (const text of ['one', 'two', 'three']) {
      expect(network.deliver(new TextEncoder().encode(text), peer.local, chatAddress)).toBe(true)
    }
    // Nothing is handled before the plugins are up.
    await Promise.resolve()
    expect(inbox).toEqual([])
    vi.setSystemTime(5000)
    release()
    const t = closeAfterTest(await starting)
    await t.settle()
    expect(t.messages.map((m) => m.text)).toEqual(['one', 'two', 'three'])
    expect(t.messages.map((m) => [m.at, m.from])).toEqual(Array(3).fill([1000, peer.local]))
    expect(inbox).toEqual(['late: one', 'late: two', 'late: three'])
    await peer.close()
  })

  it('keeps at most 4,096 of them: the rest are lost as a full socket buffer loses them', async () => {
    const network = createMemoryNetwork()
    const peer = network.bindNow({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    const { plugin, setupBegan, release } = slowStart()
    const starting = createTestChat({
      network,
      config: { port: PORT, limits: { perSource: false } },
      plugins: [plugin],
    })
    await setupBegan
    for (let i = 0; i < 4100; i++) network.deliver(new TextEncoder().encode(`${i}`), peer.local, chatAddress)
    release()
    const t = closeAfterTest(await starting)
    await t.settle()
    expect(t.messages).toHaveLength(4096)
    expect(t.messages.at(-1)?.text).toBe('4095')
    await peer.close()
  })
})

describe('datagrams that arrive while the chat closes', () => {
  it('are not handed to the plugins: every message reported reached them before dispose', async () => {
    const network = createMemoryNetwork()
    const peer = network.bindNow({ host: '127.0.0.1', port: 0, onDatagram() {}, onError() {} })
    let disposing!: () => void
    let finish!: () => void
    const disposeBegan = new Promise<void>((resolve) => (disposing = resolve))
    const done = new Promise<void>((resolve) => (finish = resolve))
    const seen: string[] = []
    const t = await createTestChat({
      network,
      plugins: [
        definePlugin({
          name: 'slow-bye',
          inbound: (m) => void seen.push(m.text),
          async dispose() {
            disposing()
            await done
          },
        }),
      ],
    })
    network.deliver(new TextEncoder().encode('before'), peer.local, t.address)
    await t.settle()
    const closing = t.close()
    await disposeBegan
    expect(network.deliver(new TextEncoder().encode('during'), peer.local, t.address)).toBe(true)
    finish()
    await closing
    expect(seen).toEqual(['before'])
    expect(t.messages.map((m) => m.text)).toEqual(['before'])
    await peer.close()
  })
})
