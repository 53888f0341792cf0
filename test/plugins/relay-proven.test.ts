import { describe, expect, it, vi } from 'vitest'
import { fresh } from '../helpers/fresh.ts'
import { kit } from '../helpers/kit.ts'

// A `proven` room's cookies, past the happy path. Loaded afresh in each test (see fresh.ts): the
// cookie's shape and notice are module-level.
const plugins = () => fresh(() => import('../../plugins/index.ts'))
const at = (p: { address: { port: number } }) => `127.0.0.1:${p.address.port}`
const NOTICE = /^\^cookie\^ ([A-Za-z0-9_-]{22})$/

async function provenRoom(options: object = {}) {
  const { relay } = await plugins()
  const t = await kit([relay({ members: 'proven', format: '{from}: {text}', ...options })])
  const alice = t.peer('alice')
  const cookie = NOTICE.exec((await alice.send('^hb^')).expectReply())![1]!
  ;(await alice.send(`${cookie} ^hb^`)).expectDrop('relay: heartbeat')
  return { t, alice, cookie }
}

describe("relay({ members: 'proven' }) cookies", () => {
  it('sends `^cookie^ ` and 22 base64url characters, and takes a line as the cookie, a space, the text', async () => {
    const { alice, cookie } = await provenRoom()
    ;(await alice.send(`${cookie} hello there`)).expectReply(`${at(alice)}: hello there`)
    // Just the cookie is a line with no text.
    ;(await alice.send(cookie)).expectReply(`${at(alice)}: `)
  })

  it('hands the message on without the cookie: a logger after it and `--json` show what the member said', async () => {
    const { t, alice, cookie } = await provenRoom()
    await alice.send(`${cookie} hello there`)
    expect(t.messages.map((m) => m.text)).toEqual(['hello there'])
  })

  it('refuses a cookie run into the text, or a text too short to hold one', async () => {
    const { alice, cookie } = await provenRoom()
    const without = "relay: a datagram without its member's cookie; sent it a cookie"
    ;(await alice.send(`${cookie}xhello`)).expectDrop(without)
    ;(await alice.send(`${cookie.slice(0, 21)} hi`)).expectDrop(without)
    ;(await alice.send('hi')).expectDrop(without)
  })

  it("takes a member's own cookie for as long as it is a member, beyond the cookie's windows", async () => {
    vi.useFakeTimers()
    const { t, alice, cookie } = await provenRoom({ timeout: 600 })
    await vi.advanceTimersByTimeAsync(120_000)
    ;(await alice.send(`${cookie} still me`)).expectReply(`${at(alice)}: still me`)
    // Another address with that cookie is no member.
    ;(await t.peer('bob').send(`${cookie} me too`)).expectDrop('relay: not a member yet; sent it a cookie')
  })

  it('takes a new cookie from a member, and says its Bye! with the cookie it used last', async () => {
    vi.useFakeTimers()
    const { t, alice } = await provenRoom({ timeout: 600 })
    await vi.advanceTimersByTimeAsync(120_000)
    const fresh = NOTICE.exec((await alice.send('^hb^')).expectReply())![1]!
    ;(await alice.send(`${fresh} new cookie`)).expectReply(`${at(alice)}: new cookie`)
    await t.chat.close()
    expect(alice.take().at(-1)).toBe(`Bye! ${fresh}`)
  })

  it('stops sending cookies to an address past its notice budget, and says so in the drop', async () => {
    const { relay } = await plugins()
    const t = await kit([relay({ members: 'proven' })])
    const stranger = t.peer('stranger')
    const reasons: string[] = []
    for (let i = 0; i < 5; i++) reasons.push((await stranger.send('^hb^')).expectDrop().reason)
    expect(reasons).toEqual([...Array(4).fill('relay: not a member yet; sent it a cookie'), 'relay: not a member yet'])
  })
})

describe('cookies', () => {
  it('are good in the window they were issued in and the next, for that address only, and nothing else is', async () => {
    const { createCookies, sameText, COOKIE } = await fresh(() => import('../../plugins/_cookie.ts'))
    const cookies = createCookies(new Uint8Array(32))
    const alice = { host: '127.0.0.1', port: 5000 }
    const issued = cookies.issue(alice, 60_000)
    expect(issued).toMatch(COOKIE)
    expect([0, 29_999, 30_000, 59_999].map((later) => cookies.check(issued, alice, 60_000 + later))).toEqual([
      true,
      true,
      true,
      true,
    ])
    expect(cookies.check(issued, alice, 60_000 + 60_000)).toBe(false)
    expect(cookies.check(issued, alice, 60_000 - 1)).toBe(false)
    expect(cookies.check(issued, { ...alice, port: 5001 }, 60_000)).toBe(false)
    for (const bad of ['', issued.slice(1), `${issued}x`, `${issued.slice(1)}!`])
      expect(cookies.check(bad, alice, 60_000), bad).toBe(false)
    expect(createCookies(new Uint8Array(32).fill(1)).check(issued, alice, 60_000)).toBe(false)
    expect([sameText('abc', 'abc'), sameText('abc', 'abd'), sameText('abc', 'abcd')]).toEqual([true, false, false])
    expect(
      ['A'.repeat(22), '-_'.repeat(11), 'A'.repeat(21), 'A'.repeat(23), `${'A'.repeat(21)}=`].map((c) =>
        COOKIE.test(c),
      ),
    ).toEqual([true, true, false, false, false])
  })
})
