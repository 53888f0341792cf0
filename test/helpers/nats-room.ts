import { connect, type NatsConnection } from '@nats-io/transport-node'
import { expect, vi } from 'vitest'
import type { TestChat } from '../../core/testing.ts'
import { closeAfterTest } from './cleanup.ts'

/** Generous: a busy machine may take seconds to connect, subscribe or reconnect. */
export const WAIT = { timeout: 20_000, interval: 20 }

/** The `status` reports of a chat's plugins, oldest first (only those in `state`, if given). */
export function statuses(t: TestChat, state?: string): Array<Record<string, unknown>> {
  return t.events.flatMap((e) => (e.type === 'status' && (!state || e.status.state === state) ? [e.status] : []))
}

/** Waits until the chat has reported `state` `n` times. */
export async function reported(t: TestChat, state: string, n = 1): Promise<Record<string, unknown>> {
  await vi.waitFor(() => expect(statuses(t, state).length).toBeGreaterThanOrEqual(n), WAIT)
  return statuses(t, state)[n - 1]!
}

/** Waits until `inbox` holds `n` datagrams; returns them. */
export async function received(inbox: string[], n = 1): Promise<string[]> {
  await vi.waitFor(() => expect(inbox.length).toBeGreaterThanOrEqual(n), WAIT)
  return [...inbox]
}

/** A NATS client of the test's own, closed after the test. */
export async function client(url: string): Promise<NatsConnection> {
  const nc = await connect({ servers: url })
  closeAfterTest({ close: () => nc.close() })
  return nc
}

/**
 * Waits until `n` bridges answer on `subject.who`: the broker has then taken their subscriptions,
 * the room's subject included (subscribed first on the same connection), so a line published now
 * reaches them.
 */
export async function bridgesListening(nc: NatsConnection, subject: string, n: number): Promise<void> {
  await vi.waitFor(async () => {
    const answers = []
    try {
      for await (const msg of await nc.requestMany(`${subject}.who`, '', { strategy: 'timer', maxWait: 200 }))
        answers.push(msg)
    } catch {
      // no responders yet
    }
    expect(answers.length).toBeGreaterThanOrEqual(n)
  }, WAIT)
}
