import { createServer, type Socket } from 'node:net'
import type { Msg } from '@nats-io/nats-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { openLink, type Link, type LinkSettings } from '../../plugins/_nats-link.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { natsServerBin, NO_NATS_SERVER, startNatsServer, type NatsServer } from '../helpers/nats-server.ts'
import { client, WAIT } from '../helpers/nats-room.ts'

// The bridge's link to the broker on its own, against a real nats-server with its monitoring
// port (which lists the connections it closed, by the name the link gave): the paths the bridge's
// tests do not take on purpose (a late subscription, a close while connecting or while down).
if (!natsServerBin) console.warn(`skipped the in-process openLink() tests: ${NO_NATS_SERVER}`)

let nats: NatsServer
let names = 0
beforeAll(async () => {
  if (natsServerBin) nats = await startNatsServer({ monitor: true })
})
afterAll(() => nats?.stop())

type Seen = Array<[state: 'up' | 'down', detail: string, first: boolean]>

/** A link named for the broker's list of connections; `seen` holds what it told its owner. */
function linked(settings: Partial<LinkSettings> = {}) {
  const name = `link${++names}`
  const seen: Seen = []
  const link: Link = openLink(
    { servers: [nats.url], retryMs: 50, ...settings, options: { name, ...settings.options } },
    {
      up: (server, first) => void seen.push(['up', server, first]),
      down: (why, first) => void seen.push(['down', why, first]),
    },
  )
  closeAfterTest(link)
  return { name, seen, link }
}

/** Waits until the broker lists `name` among the connections it closed; returns why it closed it. */
async function closedByBroker(name: string): Promise<string> {
  let reason = ''
  await vi.waitFor(async () => {
    const connz = (await (await fetch(`${nats.monitor}/connz?state=closed`)).json()) as {
      connections: Array<{ name?: string; reason?: string }>
    }
    const found = connz.connections.find((c) => c.name === name)
    expect(found).toBeDefined()
    reason = found!.reason ?? ''
  }, WAIT)
  return reason
}

const text = (msg: Msg) => new TextDecoder().decode(msg.data)

describe.skipIf(!natsServerBin)('openLink() against a real nats-server', () => {
  it('is not up, publishes nothing and gathers nothing until it has connected, then says up once, first', async () => {
    const { seen, link } = linked()
    expect(link.up).toBe(false)
    expect(link.publish('l.early', new Uint8Array([1]))).toBe(false)
    expect(await link.gather('l.early', 50)).toEqual([])
    await vi.waitFor(() => expect(seen).toEqual([['up', nats.url, true]]), WAIT)
    expect(link.up).toBe(true)
  })

  it('subscribes at once when it is already up, publishes, and gathers every answer until maxWait', async () => {
    const { seen, link } = linked()
    await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT)
    link.subscribe('l.echo', (msg) => void msg.respond(`echo ${text(msg)}`))
    const nc = await client(nats.url)
    await vi.waitFor(async () => expect(text(await nc.request('l.echo', 'x', { timeout: 500 }))).toBe('echo x'), WAIT)

    const heard: string[] = []
    nc.subscribe('l.out', { callback: (_, msg) => void heard.push(text(msg)) })
    // Each answers with what it was asked: the link asks with nothing.
    nc.subscribe('l.many', { callback: (_, msg) => void msg.respond(`one:${text(msg)}`) })
    nc.subscribe('l.many', { callback: (_, msg) => void msg.respond(`two:${text(msg)}`) })
    await nc.flush()
    expect(link.publish('l.out', new TextEncoder().encode('hi'))).toBe(true)
    await vi.waitFor(() => expect(heard).toEqual(['hi']), WAIT)
    const answers = await link.gather('l.many', 200)
    expect(answers.map(text).sort()).toEqual(['one:', 'two:'])
    // No one answers: an error inside the client, which the link answers as nothing.
    expect(await link.gather('l.nobody', 200)).toEqual([])
  })

  it('says down once (first, with why) while the broker is away, up (not first) when it comes, and lost and back', async () => {
    const broker = await startNatsServer()
    closeAfterTest({ close: () => broker.stop() })
    await broker.kill()
    const { seen, link } = linked({ servers: [broker.url, `nats://${broker.url}`] })
    await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT)
    expect(seen[0]).toEqual(['down', `cannot reach ${broker.url}, nats://${broker.url} (connection refused)`, true])
    expect(link.publish('l.down', new Uint8Array([1]))).toBe(false)
    expect(await link.gather('l.down', 50)).toEqual([])
    await broker.restart()
    await vi.waitFor(() => expect(seen).toHaveLength(2), WAIT)
    expect(seen[1]).toEqual(['up', broker.url, false])
    expect(link.up).toBe(true)
    await broker.kill()
    await vi.waitFor(() => expect(seen).toHaveLength(3), WAIT)
    expect(seen[2]).toEqual(['down', `lost ${broker.url}`, false])
    expect(link.up).toBe(false)
    expect(link.publish('l.down', new Uint8Array([1]))).toBe(false)
    // The client still holds its connection while it reconnects: asking on it would wait all of maxWait.
    expect(await link.gather('l.down', 60_000)).toEqual([])
    await broker.restart()
    await vi.waitFor(() => expect(seen).toHaveLength(4), WAIT)
    expect(seen[3]).toEqual(['up', broker.url, false])
  })

  it('says down once however many attempts fail, tries again every retryMs, and comes up when it can', async () => {
    const broker = await startNatsServer()
    closeAfterTest({ close: () => broker.stop() })
    await broker.kill()
    // Something on the broker's port that hangs up at once: each attempt of the link is one connection here.
    const attempts: Socket[] = []
    const hangUp = createServer((socket) => void (attempts.push(socket), socket.destroy()))
    await new Promise<void>((resolve) => hangUp.listen(broker.port, '127.0.0.1', resolve))
    const { seen } = linked({ servers: [broker.url] })
    await vi.waitFor(() => expect(attempts.length).toBeGreaterThanOrEqual(3), WAIT)
    await new Promise<void>((resolve) => hangUp.close(() => resolve()))
    await broker.restart()
    await vi.waitFor(() => expect(seen.at(-1)?.[0]).toBe('up'), WAIT)
    expect(seen).toEqual([
      ['down', expect.stringMatching(/^cannot reach /), true],
      ['up', broker.url, false],
    ])
  })

  it('says why it cannot connect in one line: the first line of an error, or what was thrown', async () => {
    const thrown = [new Error('first line\nsecond line'), 'not an Error']
    const links = thrown.map((error) =>
      linked({
        options: {
          authenticator: () => {
            throw error
          },
        },
      }),
    )
    for (const { seen } of links) await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT)
    expect(links.map((l) => l.seen[0])).toEqual([
      ['down', `cannot reach ${nats.url} (first line)`, true],
      ['down', `cannot reach ${nats.url} (not an Error)`, true],
    ])
    // Closing while it waits to try again: nothing to close, nothing more said.
    await links[0]!.link.close()
    expect(links[0]!.seen).toHaveLength(1)
  })

  it('connects anew when the client gives up by itself, and subscribes again on the new connection', async () => {
    const broker = await startNatsServer()
    closeAfterTest({ close: () => broker.stop() })
    // With reconnect off the client closes itself when the broker goes; the link starts over.
    const { seen, link } = linked({ servers: [broker.url], options: { reconnect: false } })
    link.subscribe('l.again', (msg) => void msg.respond('here'))
    await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT)
    await broker.kill()
    await vi.waitFor(() => expect(seen).toHaveLength(2), WAIT)
    await broker.restart()
    await vi.waitFor(() => expect(seen).toHaveLength(3), WAIT)
    // Once down, however it went: lost, then the closed connection and the failed attempts are no news.
    expect(seen).toEqual([
      ['up', broker.url, true],
      ['down', `lost ${broker.url}`, false],
      ['up', broker.url, false],
    ])
    const nc = await client(broker.url)
    await vi.waitFor(async () => expect(text(await nc.request('l.again', '', { timeout: 500 }))).toBe('here'), WAIT)
  })

  it('a failure inside the client (a subject it refuses) is a down state with why, not an unhandled rejection', async () => {
    const { seen, link } = linked()
    link.subscribe('not a subject', () => {})
    await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT)
    expect(seen).toEqual([['down', "the NATS client could not start (illegal subject: 'not a subject')", true]])
  })

  it('close() closes its connection and says nothing more', async () => {
    const { name, seen, link } = linked()
    await vi.waitFor(() => expect(seen).toHaveLength(1), WAIT)
    await link.close()
    expect(await closedByBroker(name)).toBe('Client Closed')
    expect(seen).toEqual([['up', nats.url, true]])
  })

  it('close() while the first connection is being made closes it once it is made, and never says up', async () => {
    let link: Link | undefined
    // The client asks its authenticator for credentials in the middle of connecting.
    const made = linked({ options: { authenticator: () => (void link!.close(), undefined) } })
    link = made.link
    expect(await closedByBroker(made.name)).toBe('Client Closed')
    expect(made.seen).toEqual([])
    expect(link.up).toBe(false)
  })
})
