import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { root, runtime, startChat, stopAll, type ChatProcess } from '../helpers/chat-process.ts'
import { natsServerBin, NO_NATS_SERVER, startNatsServer, type NatsServer } from '../helpers/nats-server.ts'
import { bridgesListening, client } from '../helpers/nats-room.ts'

const fixture = `${root}test/fixtures/nats-relay/chat.config.ts`
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  await stopAll()
  await Promise.all(cleanups.splice(0).map((clean) => clean()))
})

// Said on every run without the server, so a green run never hides that these did not run.
if (!natsServerBin) console.warn(`[${runtime}] skipped the natsBridge() tests: ${NO_NATS_SERVER}`)

async function broker(): Promise<NatsServer> {
  const server = await startNatsServer()
  cleanups.push(() => server.stop())
  return server
}

function startRelay(nats: NatsServer, name: string, env: Record<string, string> = {}): ChatProcess {
  return startChat(['serve', '--config', fixture, '--json'], { env: { NATS_URL: nats.url, RELAY_NAME: name, ...env } })
}

/** The relay's port; a busy machine may take a while to start three runtimes at once. */
const portOf = async (relay: ChatProcess) => (await relay.event('listening', { timeout: 30_000 })).port as number

/** The relay's next `status` event in `state`, from its --json output. */
async function status(relay: ChatProcess, state: string): Promise<Record<string, any>> {
  for (;;) {
    const event = await relay.event('status', { timeout: 20_000 })
    if (event.state === state) return event
  }
}

/** Members from test/helpers/members.py: plain Python sockets, `per` on each relay, in relay order. */
async function members(relays: number[], per: number | number[]) {
  const child = spawn('python3', [`${root}test/helpers/members.py`, JSON.stringify({ relays, per })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  cleanups.push(() => child.kill())
  const waiting: Array<(answer: any) => void> = []
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line)))
  const next = () => new Promise<any>((resolve) => waiting.push(resolve))
  const ask = (command: object) => (child.stdin.write(JSON.stringify(command) + '\n'), next())
  const joined = await next()
  const ports = (joined.ports as Array<[number, number]>).map(([, port]) => port)
  return {
    ports,
    say: (lines: Array<[number, string]>) => ask({ say: lines }),
    /** What each member received until each (or each of `only`) has `n` datagrams, and half a second more. */
    collect: async (n: number, only?: number[]): Promise<string[][]> =>
      (await ask({ collect: n, only, timeout: 60 })).lines,
  }
}

const joinedAll = (relay: ChatProcess, n: number) =>
  relay.waitFor(new RegExp(`joined \\(${n} members?\\)`), { stream: 'stderr', timeout: 20_000 })
const sorted = (lines: string[]) => [...lines].sort()
// Deno and Bun run the one test that takes the client through connect, publish, subscribe, a lost
// broker and a reconnect; the rest is the bridge's own logic, the same on every runtime (and slow).
const nodeOnly = runtime !== 'node'

describe.skipIf(!natsServerBin)('natsBridge()', () => {
  it.skipIf(nodeOnly)(
    'natsBridge() takes every line to every member of three relays exactly once, sender kept, and /who counts them all',
    async () => {
      const nats = await broker()
      const names = ['east', 'west', 'north']
      const relays = names.map((name) => startRelay(nats, name))
      const ports = await Promise.all(relays.map(portOf))
      await Promise.all(relays.map((r) => status(r, 'up')))
      const per = 6
      const room = await members(ports, per)
      await Promise.all(relays.map((r) => joinedAll(r, per)))

      const relayOf = (member: number) => Math.floor(member / per)
      const lines: Array<[number, string]> = room.ports.flatMap(
        (_, i) =>
          [
            [i, `m${i} first`],
            [i, `m${i} second`],
          ] as Array<[number, string]>,
      )
      await room.say(lines)
      const got = await room.collect(lines.length)
      for (const [i, received] of got.entries()) {
        const expected = lines.map(([j, text]) => {
          const from = `127.0.0.1:${room.ports[j]}${relayOf(j) === relayOf(i) ? '' : `@${names[relayOf(j)]}`}`
          return `${from}: ${text}`
        })
        expect(sorted(received), `member ${i} on ${names[relayOf(i)]}`).toEqual(sorted(expected))
      }

      await room.say([[0, '/who']])
      const [who] = await room.collect(1, [0])
      expect(who).toHaveLength(1)
      expect(who![0]).toMatch(/^who: 18 members on 3 relays: east 6 \(/)
      for (const name of names) expect(who![0]).toContain(`${name} 6 (127.0.0.1:`)
    },
    90_000,
  )

  it.skipIf(nodeOnly)(
    'natsBridge() takes six lines to each of 1,000 members over three relays exactly once',
    async () => {
      const nats = await broker()
      const names = ['east', 'west', 'north']
      const relays = names.map((name) => startRelay(nats, name))
      const ports = await Promise.all(relays.map(portOf))
      await Promise.all(relays.map((r) => status(r, 'up')))
      const per = [334, 333, 333]
      const room = await members(ports, per)
      await Promise.all(relays.map((r, i) => joinedAll(r, per[i]!)))

      const first = [0, 334, 667]
      const relayOf = (member: number) => first.findLastIndex((f) => member >= f)
      const speakers = first.flatMap((f) => [f, f + 1])
      const lines = speakers.map((i) => [i, `line of m${i}`] as [number, string])
      await room.say(lines)
      const got = await room.collect(lines.length)
      const wrong: string[] = []
      for (const [i, received] of got.entries()) {
        const expected = lines.map(
          ([j, text]) =>
            `127.0.0.1:${room.ports[j]}${relayOf(j) === relayOf(i) ? '' : `@${names[relayOf(j)]}`}: ${text}`,
        )
        if (JSON.stringify(sorted(received)) !== JSON.stringify(sorted(expected)))
          wrong.push(`member ${i}: ${JSON.stringify(received)}`)
      }
      expect(got).toHaveLength(1000)
      expect(wrong.slice(0, 5), `${wrong.length} of 1,000 members got something else`).toEqual([])
    },
    120_000,
  )

  it('natsBridge() keeps a relay serving when the broker dies, says so once, counts what it could not forward, and reconnects', async () => {
    const nats = await broker()
    const east = startRelay(nats, 'east')
    const west = startRelay(nats, 'west')
    const ports = await Promise.all([portOf(east), portOf(west)])
    await Promise.all([status(east, 'up'), status(west, 'up')])
    const room = await members(ports, 1)
    await Promise.all([joinedAll(east, 1), joinedAll(west, 1)])
    const [a, b] = room.ports.map((port) => `127.0.0.1:${port}`)

    await room.say([[0, 'one']])
    expect(await room.collect(1)).toEqual([[`${a}: one`], [`${a}@east: one`]])

    await nats.kill()
    await Promise.all([status(east, 'down'), status(west, 'down')])
    await room.say([[0, 'two']])
    expect(await room.collect(1, [0])).toEqual([[`${a}: two`], []])

    await nats.restart()
    const [back] = await Promise.all([status(east, 'up'), status(west, 'up')])
    expect(back).toMatchObject({ unforwarded: 1, forwarded: 1 })
    // Back up is connected again; its subscriptions reach the broker a moment later, on a busy
    // machine after east may have published: wait until both bridges answer on the room's subject.
    await bridgesListening(await client(nats.url), back.subject, 2)
    // `two` never crosses late: the next line b gets is `three`.
    await room.say([[0, 'three']])
    expect(await room.collect(1)).toEqual([[`${a}: three`], [`${a}@east: three`]])
    await room.say([[1, 'four']])
    expect(await room.collect(1)).toEqual([[`${b}@west: four`], [`${b}: four`]])

    for (const relay of [east, west]) {
      expect(relay.stderr.filter((line) => line.includes('bridge down'))).toHaveLength(1)
      expect(relay.stderr.filter((line) => line.includes('bridge back'))).toHaveLength(1)
    }
  }, 90_000)

  it.skipIf(nodeOnly)(
    'natsBridge() configured twice on a relay neither loops nor delivers twice',
    async () => {
      const nats = await broker()
      const east = startRelay(nats, 'east', { BRIDGES: '2' })
      const west = startRelay(nats, 'west')
      const ports = await Promise.all([portOf(east), portOf(west)])
      await Promise.all([status(east, 'up'), status(east, 'up'), status(west, 'up')])
      const room = await members(ports, 2)
      await Promise.all([joinedAll(east, 2), joinedAll(west, 2)])
      const [a0, a1, b0, b1] = room.ports.map((port) => `127.0.0.1:${port}`)

      await room.say([
        [0, 'x'],
        [2, 'y'],
      ])
      const got = await room.collect(2)
      const atEast = [`${a0}: x`, `${b0}@west: y`]
      const atWest = [`${a0}@east: x`, `${b0}: y`]
      expect(got.map(sorted)).toEqual([atEast, atEast, atWest, atWest].map(sorted))
      await room.say([[1, 'z']])
      expect(await room.collect(1)).toEqual([[`${a1}: z`], [`${a1}: z`], [`${a1}@east: z`], [`${a1}@east: z`]])

      east.kill()
      west.kill()
      const closed = async (relay: ChatProcess) => {
        const { stdout } = await relay.exited
        return stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l))
          .filter((e) => e.event === 'status' && e.state === 'closed')
      }
      const [eastClosed, westClosed] = await Promise.all([closed(east), closed(west)])
      const sum = (events: Array<Record<string, number>>, key: string) => events.reduce((n, e) => n + e[key]!, 0)
      // Each line of east's is published by both its bridges and taken once at west; each of west's is heard by both at east.
      expect(eastClosed).toHaveLength(2)
      expect(sum(westClosed, 'duplicates')).toBe(2)
      expect(sum(eastClosed, 'duplicates')).toBe(1)
      expect(sum(eastClosed, 'delivered')).toBe(1)
    },
    90_000,
  )

  it.skipIf(nodeOnly)(
    'natsBridge() in examples/cluster with the broker down at start says so in one line, serves its members, and bridges once it is up',
    async () => {
      const nats = await broker()
      await nats.kill()
      const east = startChat(['serve', '--config', 'examples/cluster/east.config.ts', '--port', '0', '--json'], {
        env: { NATS_URL: nats.url },
      })
      const port = await portOf(east)
      await status(east, 'down')
      const room = await members([port], 1)
      await joinedAll(east, 1)
      await room.say([[0, 'alone']])
      expect(await room.collect(1)).toEqual([[`127.0.0.1:${room.ports[0]}: alone`]])
      expect(east.stderr.filter((line) => /bridge down: cannot reach 127\.0\.0\.1:\d+/.test(line))).toHaveLength(1)

      await nats.restart()
      await status(east, 'up')
      expect(east.stderr.some((line) => line.includes('bridge back'))).toBe(true)
    },
    60_000,
  )
})
