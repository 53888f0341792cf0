import { afterEach, describe, expect, it } from 'vitest'
import { root, startChat, stopAll, type ChatProcess } from '../helpers/chat-process.ts'
import { cannotForge, forge } from '../helpers/forge.ts'

// A relay and an echo server, each a real `chat serve`; one forged datagram makes the echo a
// member of the room. Runs once (node): the relay's rules are the same on every runtime.
afterEach(stopAll)

const json = (line: string) => (line.startsWith('{') ? (JSON.parse(line) as Record<string, any>) : undefined)
const count = (chat: ChatProcess, pick: (event: Record<string, any>) => boolean) =>
  chat.stdout.map(json).filter((e) => e && pick(e)).length

describe.skipIf(cannotForge)(
  `relay() and an echo server forged in as a member${cannotForge ? ` (skipped: ${cannotForge})` : ''}`,
  () => {
    it.each(['open', 'proven'] as const)(
      "relay({ members: %j }) ends the loop: the line stops at maxLine or the echo's answer budget, or the cookie notices run out",
      async (members) => {
        const relay = startChat(['serve', '--config', `${root}test/fixtures/relay/chat.config.ts`, '--json'], {
          env: { RELAY_MEMBERS: members },
        })
        const echo = startChat(['serve', '--config', `${root}examples/echo.config.ts`, '--port', '0', '--json'])
        const [relayPort, echoPort] = [await relay.port(), await echo.port()]
        await forge({ host: '127.0.0.1', port: echoPort }, relayPort, 'hi')
        // The open room's loop ends at maxLine, or sooner when the echo runs out of its answer budget.
        const dropped = (chat: ChatProcess, pick: (reason: string) => boolean) =>
          chat.waitFor((line) => json(line)?.event === 'drop' && pick(json(line)!.reason), { timeout: 20_000 })
        const end =
          members === 'open'
            ? Promise.any([
                dropped(relay, (reason) => reason.startsWith('relay: the line is longer than maxLine')),
                dropped(echo, (reason) => reason.includes('(limits.answers)')),
              ])
            : dropped(relay, (reason) => reason === 'relay: not a member yet')
        const last = json(await end)!
        // The echo may report its drop before the relay's stdout shows the send it dropped (two
        // processes, two pipes): wait for that send, so the count below includes it.
        if (last.reason.includes('(limits.answers)')) {
          await relay.waitFor((line) => json(line)?.event === 'sent' && json(line)!.text.toUpperCase() === last.text)
        }
        const sentThen = count(relay, (e) => e.event === 'sent')
        // Quiet from then on: a message through the echo would show here within the wait below.
        const probe = startChat(['send', `127.0.0.1:${echoPort}`, 'still there?', '--wait', '2000', '--json'])
        await probe.exited
        const sentNow = count(relay, (e) => e.event === 'sent')
        expect(sentNow).toBe(sentThen)
        // Bounded: one line per 17 characters of maxLine (the label each round adds), or the notice
        // budget (4 at once, then 1 a second, while the loop lasted).
        expect(sentThen).toBeLessThanOrEqual(members === 'open' ? Math.ceil(1024 / 17) + 1 : 4 + 2)
        expect(count(echo, (e) => e.event === 'message' && e.from === `127.0.0.1:${relayPort}`)).toBeLessThanOrEqual(
          sentThen,
        )
      },
    )
  },
)
