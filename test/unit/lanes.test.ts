import { describe, expect, it } from 'vitest'
import type { Address } from '../../core/address.ts'
import { FLOOD_PROOF_MS, Guard } from '../../core/guard.ts'
import { LANE_IDLE_MS, Lanes } from '../../core/lanes.ts'
import { ChatError } from '../../core/errors.ts'
import type { OpenLane } from '../../core/runtime/types.ts'

// Who gets a lane and when it closes: the guard's flood test and the Lanes table on their own
// (test/cli/lanes.test.ts shows the lanes keeping datagrams apart on real sockets).

const at = (host: string, port = 1000): Address => ({ host, port, family: 'IPv4' })
const legit = at('10.0.0.1')
const flooder = at('10.0.0.2')

/** A guard with a small per-source limit, and a flood from `flooder` starting at `t`. */
function floodedGuard(t: number): Guard {
  const guard = new Guard({ perSource: { rate: 10, burst: 20 }, answers: false, amplification: false, allowance: 0 })
  for (let i = 0; i < 100; i++) guard.admit(1, flooder, t)
  return guard
}

describe('Guard: the flood that lanes answer', () => {
  it('is a flood once something is turned away, until a report finds a second with nothing turned away', () => {
    const guard = floodedGuard(1000)
    expect(guard.flooded()).toBe(true)
    guard.report()
    expect(guard.flooded()).toBe(true)
    guard.report()
    expect(guard.flooded()).toBe(false)
  })

  it('trusts a source within its rate only once the flood has lasted FLOOD_PROOF_MS, and never the flooder', () => {
    const guard = floodedGuard(1000)
    expect(guard.admit(1, legit, 1000)).toBe(true)
    expect(guard.keepsToRate(legit, 1000 + FLOOD_PROOF_MS - 1)).toBe(false)
    expect(guard.keepsToRate(legit, 1000 + FLOOD_PROOF_MS)).toBe(true)
    // Nothing turned away for longer than that: over, whatever the report says.
    expect(guard.keepsToRate(legit, 1001 + 2 * FLOOD_PROOF_MS)).toBe(false)
    expect(guard.keepsToRate(flooder, 1000 + FLOOD_PROOF_MS)).toBe(false)
    expect(guard.inDebt(flooder, 1000 + FLOOD_PROOF_MS)).toBe(true)
    expect(guard.inDebt(legit, 1000 + FLOOD_PROOF_MS)).toBe(false)
  })

  it('trusts nobody without a per-source limit, and calls a source that spent its rate in debt', () => {
    const off = new Guard({ perSource: false, answers: false, amplification: false, allowance: 0 })
    off.busy()
    expect(off.flooded()).toBe(true)
    expect(off.keepsToRate(legit, Date.now() + FLOOD_PROOF_MS)).toBe(false)
    expect(off.inDebt(legit, Date.now())).toBe(false)
    const strict = new Guard({
      perSource: { rate: 1, burst: 2, refused: 0 },
      answers: false,
      amplification: false,
      allowance: 0,
    })
    for (let i = 0; i < 5; i++) strict.admit(1, flooder, 1000)
    expect(strict.inDebt(flooder, 1000)).toBe(true)
    expect(strict.inDebt(legit, 1000)).toBe(false)
  })

  it('trusts nobody when nothing is turned away', () => {
    const guard = new Guard({ perSource: { rate: 10, burst: 20 }, answers: false, amplification: false, allowance: 0 })
    guard.admit(1, legit, 1000)
    expect(guard.flooded()).toBe(false)
    expect(guard.keepsToRate(legit, 5000)).toBe(false)
  })
})

/**
 * A Lanes table over lanes that open when `settle` is called, recording what was opened and
 * closed; the guard's answers are the sets `flooding` (in debt) and `trusted` (keeps to its rate).
 */
function table(max: number) {
  const opened: string[] = []
  const closed: string[] = []
  const pending: Array<{ ok: () => void; fail: (error: ChatError) => void }> = []
  const open: OpenLane = (peer) =>
    new Promise((resolve, reject) => {
      const name = `${peer.host}:${peer.port}`
      opened.push(name)
      pending.push({ ok: () => resolve({ close: () => void closed.push(name) }), fail: reject })
    })
  const errors: ChatError[] = []
  const trusted = new Set(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'])
  const keeps = (host: string) => trusted.has(host) || host.startsWith('2001:db8:')
  const flooding = new Set<string>()
  const guard = {
    keepsToRate: (from: Address) => keeps(from.host),
    inDebt: (from: Address) => flooding.has(from.host),
  }
  const lanes = new Lanes(open, max, guard, (error) => errors.push(error))
  const settle = async () => {
    for (const p of pending.splice(0)) p.ok()
    await Promise.resolve()
    await Promise.resolve()
  }
  return { lanes, opened, closed, pending, errors, settle, flooding }
}

describe('Lanes', () => {
  it('opens one lane per host, for a source the guard trusts, up to `max`; never to port 0', async () => {
    const { lanes, opened, settle } = table(2)
    lanes.admitted(at('10.0.0.9', 1), 0)
    lanes.admitted(at('10.0.0.1', 0), 0)
    lanes.admitted(at('10.0.0.1', 1), 0)
    lanes.admitted(at('10.0.0.1', 1), 1)
    lanes.admitted(at('10.0.0.1', 2), 2)
    lanes.admitted(at('10.0.0.2', 1), 3)
    lanes.admitted(at('10.0.0.3', 1), 4)
    await settle()
    expect(opened).toEqual(['10.0.0.1:1', '10.0.0.2:1'])
    expect(lanes.size).toBe(2)
  })

  it('keys an IPv6 source by its /64, as the guard limits it', async () => {
    const { lanes, opened, settle } = table(4)
    const v6 = (host: string): Address => ({ host, port: 1000, family: 'IPv6' })
    lanes.admitted(v6('2001:db8:1:2::a'), 0)
    lanes.admitted(v6('2001:db8:1:2::b'), 0)
    lanes.admitted(v6('2001:db8:1:3::a'), 0)
    await settle()
    expect(opened).toEqual(['2001:db8:1:2::a:1000', '2001:db8:1:3::a:1000'])
  })

  it('closes a lane whose peer was quiet for LANE_IDLE_MS (another port of its host does not count), or spends over its rate', async () => {
    const { lanes, closed, settle, flooding } = table(4)
    lanes.admitted(at('10.0.0.1'), 0)
    lanes.admitted(at('10.0.0.2'), 0)
    lanes.admitted(at('10.0.0.3'), 0)
    await settle()
    lanes.admitted(at('10.0.0.1'), LANE_IDLE_MS - 1)
    lanes.admitted(at('10.0.0.2', 2000), LANE_IDLE_MS - 1)
    lanes.admitted(at('10.0.0.3'), LANE_IDLE_MS - 1)
    flooding.add('10.0.0.3')
    lanes.sweep(LANE_IDLE_MS)
    expect(closed).toEqual(['10.0.0.2:1000', '10.0.0.3:1000'])
    expect(lanes.size).toBe(1)
  })

  it('closes a lane that opens after the table closed, and opens none after', async () => {
    const { lanes, closed, opened, settle } = table(4)
    lanes.admitted(at('10.0.0.1'), 0)
    await settle()
    lanes.admitted(at('10.0.0.2'), 0)
    lanes.close()
    expect(closed).toEqual(['10.0.0.1:1000'])
    await settle()
    expect(closed).toEqual(['10.0.0.1:1000', '10.0.0.2:1000'])
    lanes.admitted(at('10.0.0.4'), 0)
    expect(opened).toEqual(['10.0.0.1:1000', '10.0.0.2:1000'])
    expect(lanes.size).toBe(0)
  })

  it('says once why a lane could not open, and tries no other for a second; nothing after close', async () => {
    const { lanes, opened, pending, errors } = table(4)
    const tick = async () => {
      await Promise.resolve()
      await Promise.resolve()
    }
    lanes.admitted(at('10.0.0.1'), 0)
    pending.shift()!.fail(new ChatError('E_BIND', 'No lane for 10.0.0.1:1000: EMFILE: too many open files'))
    await tick()
    expect(errors.map((e) => e.message)).toEqual(['No lane for 10.0.0.1:1000: EMFILE: too many open files'])
    expect(lanes.size).toBe(0)
    lanes.admitted(at('10.0.0.2'), 999)
    expect(opened).toEqual(['10.0.0.1:1000'])
    lanes.admitted(at('10.0.0.2'), 1000)
    expect(opened).toEqual(['10.0.0.1:1000', '10.0.0.2:1000'])
    lanes.close()
    pending.shift()!.fail(new ChatError('E_BIND', 'No lane for 10.0.0.2:1000: the socket is closed'))
    await tick()
    expect(errors).toHaveLength(1)
  })
})
