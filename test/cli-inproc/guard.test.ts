import { afterEach, describe, expect, it } from 'vitest'
import { describeGuard } from '../../cli/_output.ts'
import { startInProc, writeConfig } from '../helpers/inproc.ts'
import { plainSocket, type PlainSocket } from '../helpers/udp.ts'

const sockets: PlainSocket[] = []
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()))
})

// A bot written in the config: nothing of the repository to load.
const ECHO = 'const echo = { name: "echo", inbound: (m, ctx) => ctx.reply(m, m.text) }'

// One datagram per source, then nothing for a very long time: the second and third are turned away.
const STRICT = `${ECHO}
export default { limits: { perSource: { rate: 0.001, burst: 1 }, answers: { rate: 0.001, burst: 1 } }, plugins: [echo] }`

describe("the guard's report, in process", () => {
  it('--json: a guard event with the counts of the last second and in all, and no warning line', async () => {
    const server = startInProc(['serve', '-c', writeConfig(STRICT), '--host', '127.0.0.1', '--port', '0', '--json'])
    const port = await server.port()
    const alice = await plainSocket()
    sockets.push(alice)
    for (const text of ['a', 'b', 'c']) await alice.send(text, port)
    expect(await server.event('guard')).toEqual({
      event: 'guard',
      rateLimited: 2,
      unanswered: 0,
      amplification: 0,
      busy: 0,
      total: { rateLimited: 2, unanswered: 0, amplification: 0, busy: 0 },
      lanes: 0,
    })
    server.kill('SIGTERM')
    const exit = await server.exited
    expect(exit.code).toBe(0)
    // The event says it: no warning line on stderr as well, only the signal's.
    expect(exit.stderr).toBe('SIGTERM: stopping\n')
  })

  it('says it in one warning line without --json', async () => {
    const server = startInProc(['serve', '-c', writeConfig(STRICT), '--host', '127.0.0.1', '--port', '0'])
    const said = await server.waitFor(/^listening on /, { stream: 'stderr' })
    const alice = await plainSocket()
    sockets.push(alice)
    for (const text of ['a', 'b', 'c']) await alice.send(text, Number(/:(\d+)/.exec(said)![1]))
    expect(await server.waitFor(/guard/, { stream: 'stderr' })).toBe(
      'warning guard: turned away in the last second: 2 datagrams over the per-source rate (limits.perSource) (2 in all)',
    )
    server.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  })
})

describe('the answer budget in the report', () => {
  it('counts answers over limits.answers in the event', async () => {
    const config = writeConfig(`${ECHO}
export default { limits: { perSource: false, answers: { rate: 0.001, burst: 1 } }, plugins: [echo] }`)
    const server = startInProc(['serve', '-c', config, '--host', '127.0.0.1', '--port', '0', '--json'])
    const port = await server.port()
    const alice = await plainSocket()
    sockets.push(alice)
    for (const text of ['a', 'b', 'c']) await alice.send(text, port)
    expect(await server.event('guard')).toMatchObject({ rateLimited: 0, unanswered: 2, amplification: 0 })
    server.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  })
})

describe('describeGuard', () => {
  it('names each count that is not 0, with its limit, and the total of all kinds', () => {
    const none = { rateLimited: 0, unanswered: 0, amplification: 0, busy: 0 }
    expect(describeGuard({ ...none, busy: 1 }, { ...none, busy: 1 })).toBe(
      'guard: turned away in the last second: 1 datagram while the chat held all it may ' +
        '(plugins starting, or slow async hooks) (1 in all)',
    )
    expect(
      describeGuard({ ...none, unanswered: 2, amplification: 3 }, { ...none, unanswered: 4, amplification: 3 }),
    ).toBe(
      'guard: turned away in the last second: 2 answers over the answer budget (limits.answers), ' +
        '3 sends to unproven addresses over the amplification limit (limits.amplification) (7 in all)',
    )
    expect(
      describeGuard({ ...none, rateLimited: 1 }, { rateLimited: 1, unanswered: 1, amplification: 1, busy: 2 }),
    ).toBe('guard: turned away in the last second: 1 datagram over the per-source rate (limits.perSource) (5 in all)')
  })
})
