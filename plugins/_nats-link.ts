import type { Msg, NatsConnection } from '@nats-io/nats-core'
import type { NodeConnectionOptions } from '@nats-io/transport-node'

/** How to reach the broker; `options` goes to the NATS client as it is (credentials, TLS...). */
export interface LinkSettings {
  servers: string[]
  /** Milliseconds between attempts while the broker cannot be reached. */
  retryMs: number
  options: Partial<NodeConnectionOptions>
}

/** What the link tells its owner: each change of state once (up, down), never twice in a row. */
export interface LinkEvents {
  up(server: string, first: boolean): void
  down(reason: string, first: boolean): void
}

/** A connection to the broker that keeps trying: it is `up` or not, it never throws at its owner. */
export interface Link {
  readonly up: boolean
  /** Publishes when up; says whether it did. */
  publish(subject: string, data: Uint8Array): boolean
  /** Subscribes now and on every new connection. */
  subscribe(subject: string, handle: (msg: Msg) => void): void
  /** Every answer that arrives within `maxWait` ms; none when down. */
  gather(subject: string, maxWait: number): Promise<Msg[]>
  close(): Promise<void>
}

/** Opens the link in the background: the broker being down at start is a state, not an error. */
export function openLink(settings: LinkSettings, events: LinkEvents): Link {
  let connection: NatsConnection | undefined
  let state: 'starting' | 'up' | 'down' = 'starting'
  let closed = false
  let wake: (() => void) | undefined
  const subscriptions: Array<[string, (msg: Msg) => void]> = []

  function change(next: 'up' | 'down', detail: string): void {
    if (state === next) return
    const first = state === 'starting'
    state = next
    if (next === 'up') events.up(detail, first)
    else events.down(detail, first)
  }

  function listen(nc: NatsConnection, subject: string, handle: (msg: Msg) => void): void {
    nc.subscribe(subject, { callback: (error, msg) => void (error || handle(msg)) })
  }

  async function watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') change('down', `lost ${status.server}`)
      else if (status.type === 'reconnect') change('up', status.server)
    }
  }

  async function run(): Promise<void> {
    const { connect } = await import('@nats-io/transport-node')
    while (!closed) {
      let nc: NatsConnection
      try {
        nc = await connect({
          ...settings.options,
          servers: settings.servers,
          // After the first connection the client reconnects by itself, for ever.
          maxReconnectAttempts: -1,
          reconnectTimeWait: settings.retryMs,
          // Our own lines never come back to us from the broker.
          noEcho: true,
        })
      } catch (error) {
        change('down', `cannot reach ${settings.servers.join(', ')} (${describe(error)})`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, settings.retryMs)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        continue
      }
      if (closed) return void (await nc.close())
      connection = nc
      for (const [subject, handle] of subscriptions) listen(nc, subject, handle)
      void watch(nc)
      change('up', nc.getServer())
      const error = await nc.closed()
      connection = undefined
      // Closed by the client itself (e.g. the server refused our credentials twice): start over.
      if (!closed) change('down', `connection closed${error ? ` (${describe(error)})` : ''}`)
    }
  }

  void run().catch((error: unknown) => change('down', `the NATS client could not start (${describe(error)})`))

  return {
    get up() {
      return state === 'up'
    },
    publish(subject, data) {
      if (state !== 'up' || !connection) return false
      connection.publish(subject, data)
      return true
    },
    subscribe(subject, handle) {
      subscriptions.push([subject, handle])
      if (connection) listen(connection, subject, handle)
    },
    async gather(subject, maxWait) {
      if (state !== 'up' || !connection) return []
      const answers: Msg[] = []
      try {
        for await (const msg of await connection.requestMany(subject, '', { strategy: 'timer', maxWait }))
          answers.push(msg)
      } catch {
        // No responders, or the connection went away while waiting: what came is the answer.
      }
      return answers
    },
    async close() {
      closed = true
      wake?.()
      await connection?.close()
    },
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0]!
}
