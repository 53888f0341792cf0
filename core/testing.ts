/**
 * The test kit for plugin authors (`udpchat/testing`): a chat over an in-memory network, peers
 * that talk to it, and `await peer.send('hi')` that resolves once every hook is done with it.
 *
 * ```ts
 * const t = await createTestChat([uppercaseEcho()])
 * const alice = t.peer('alice')
 * ;(await alice.send('hi')).expectReply('HI')
 * ```
 */
import { createConsola, type ConsolaInstance } from 'consola'
import { formatAddress } from './address.ts'
import { createChat } from './chat.ts'
import type { Chat } from './chat-api.ts'
import { resolveConfig, type ChatConfig } from './config.ts'
import type { ChatEvent } from './events.ts'
import type { Address } from './address.ts'
import type { Message } from './message.ts'
import type { Plugin } from './plugin.ts'
import type { ReloadReport } from './reload-report.ts'
import { createMemoryNetwork, type MemoryNetwork } from './runtime/memory.ts'
import { Expectations, type Delivery, type LogEntry, type ReplyOptions } from './delivery.ts'

export { createMemoryNetwork, type MemoryNetwork }
export type { Delivery, LogEntry, ReplyOptions }

// Taken before any test can install fake timers: the watchdog must run in real time.
const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

type PluginEntry = Plugin<any> | false | null | undefined

export interface TestChatOptions {
  /** The plugins, in order, as in a config. */
  plugins?: readonly PluginEntry[]
  /** The rest of the config (`peers`, `to`...). @default host 127.0.0.1, port 0 */
  config?: Omit<ChatConfig, 'plugins'>
  /** Share one network between several chats (a relay and its members). @default a new one */
  network?: MemoryNetwork
  /** How long an async hook, `setup` or `dispose` may take, in ms (fake timers apply). @default 5000 */
  hookTimeout?: number
  /** How long `send` and `settle` wait, in real time, before they fail the test. @default 5000 */
  settleTimeout?: number
  /** Failures in a row before a hook is switched off (see `ChatOptions`). @default 10 */
  maxFailures?: number
  /** Report `trace` events (in `events`, and each delivery's `traces`). @default false */
  trace?: boolean
}

export interface TestPeer {
  readonly name: string
  readonly address: Address
  /** Every datagram it received, decoded, oldest first. */
  readonly inbox: string[]
  /** The same datagrams as raw bytes. */
  readonly datagrams: Uint8Array[]
  /** Sends text (utf-8) or raw bytes to the chat; resolves once every hook is done with it. */
  send(data: string | Uint8Array): Promise<Delivery>
  /** Empties the inbox and returns what was in it. */
  take(): string[]
  close(): Promise<void>
}

export interface TestChat {
  readonly chat: Chat
  readonly network: MemoryNetwork
  readonly address: Address
  /** Every event the chat reported, oldest first. */
  readonly events: ChatEvent[]
  /** The messages that came out of the inbound chain (what a terminal would print). */
  readonly messages: Message[]
  /** What the plugins logged, oldest first. */
  readonly logs: LogEntry[]
  /** A peer on the same network; with `contact`, also a contact of the chat under its name. */
  peer(name?: string, options?: { contact?: boolean; encoding?: string }): TestPeer
  /** The chat sends text (as a typed line would); resolves once it has left and every hook is done. */
  send(text: string, to: TestPeer | string): Promise<Delivery>
  /** Resolves once nothing is in flight: every hook finished, every datagram handed over. */
  settle(): Promise<void>
  /** Reloads the chat with new plugins (the same config otherwise), as `--watch` would. */
  reload(plugins: readonly PluginEntry[]): Promise<ReloadReport>
  close(): Promise<void>
}

const chatsOf = new WeakMap<MemoryNetwork, Set<Chat>>()

/** A chat with the given plugins over an in-memory network: no sockets, deterministic. */
export async function createTestChat(input: readonly PluginEntry[] | TestChatOptions = {}): Promise<TestChat> {
  const options: TestChatOptions = isPluginList(input) ? { plugins: input } : input
  const network = options.network ?? createMemoryNetwork()
  const settleTimeout = options.settleTimeout ?? 5000
  const events: ChatEvent[] = []
  const messages: Message[] = []
  const logs: LogEntry[] = []
  const peers: TestPeer[] = []
  const logger = createConsola({
    level: 5,
    reporters: [
      { log: (entry) => void logs.push({ level: entry.type, tag: entry.tag, text: entry.args.map(show).join(' ') }) },
    ],
  })
  const config = resolveConfig(
    { host: '127.0.0.1', port: 0, ...options.config, plugins: options.plugins ?? [] },
    'test config',
  )
  const chat = await createChat({
    config,
    transport: network.transport,
    logger,
    hookTimeout: options.hookTimeout,
    maxFailures: options.maxFailures,
    trace: options.trace,
    onEvent(event) {
      events.push(event)
      if (event.type === 'message') messages.push(event.message)
    },
  })
  let chats = chatsOf.get(network)
  if (!chats) chatsOf.set(network, (chats = new Set()))
  chats.add(chat)

  async function settleNetwork(): Promise<void> {
    const all = chatsOf.get(network)!
    // A datagram handed over in a microtask can wake a chat that was idle: go round until still.
    for (let round = 0; round < 10_000; round++) {
      await Promise.all([...all].map((c) => c.idle()))
      if (network.pending === 0) return
      await Promise.resolve()
    }
    throw new Error('the chats never settled: plugins keep sending to each other')
  }

  function settle(): Promise<void> {
    return new Promise((resolve, reject) => {
      const watchdog = realSetTimeout(() => {
        reject(
          new Error(
            `the chat did not settle within ${settleTimeout} ms: a hook is still running (with fake timers, advance them past its timeout)`,
          ),
        )
      }, settleTimeout)
      settleNetwork()
        .then(resolve, reject)
        .finally(() => realClearTimeout(watchdog))
    })
  }

  /** Runs `work`, settles, and reports what happened meanwhile as seen by `peer`. */
  async function observe(peer: TestPeer | undefined, work: () => Promise<unknown>): Promise<Delivery> {
    const firstEvent = events.length
    const firstLog = logs.length
    const firstReply = peer?.inbox.length ?? 0
    await work()
    await settle()
    return new Expectations(
      peer?.name ?? 'the chat',
      events.slice(firstEvent),
      logs.slice(firstLog),
      peer ? peer.inbox.slice(firstReply) : [],
    )
  }

  const t: TestChat = {
    chat,
    network,
    address: chat.local,
    events,
    messages,
    logs,
    peer(name = `peer${peers.length + 1}`, peerOptions = {}) {
      const inbox: string[] = []
      const datagrams: Uint8Array[] = []
      const decoder = new TextDecoder(peerOptions.encoding ?? 'utf-8')
      const socket = network.bindNow({
        host: '127.0.0.1',
        port: 0,
        onDatagram(data) {
          datagrams.push(data)
          inbox.push(decoder.decode(data))
        },
        onError() {},
      })
      if (peerOptions.contact) chat.peers.set(name, socket.local)
      const encoder = new TextEncoder()
      const peer: TestPeer = {
        name,
        address: socket.local,
        inbox,
        datagrams,
        send(data) {
          const bytes = typeof data === 'string' ? encoder.encode(data) : data
          return observe(peer, async () => {
            if (!network.deliver(bytes, socket.local, chat.local))
              throw new Error(`nothing is bound at ${formatAddress(chat.local)}: the chat is closed`)
          })
        },
        take: () => inbox.splice(0),
        close: () => socket.close(),
      }
      peers.push(peer)
      return peer
    },
    send(text, to) {
      const peer = typeof to === 'string' ? undefined : to
      return observe(peer, () => chat.send(text, peer ? peer.address : (to as string)))
    },
    settle,
    // async: a config that does not validate rejects, as every other way to reload does, not a throw.
    reload: async (plugins) =>
      chat.reload(resolveConfig({ host: '127.0.0.1', port: 0, ...options.config, plugins }, 'test config')),
    async close() {
      await chat.close()
      chatsOf.get(network)?.delete(chat)
      await Promise.all(peers.map((p) => p.close()))
    },
  }
  return t
}

/** A logged value as text: strings as they are, errors by message, the rest as JSON. */
function show(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof Error) return value.message
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function isPluginList(input: readonly PluginEntry[] | TestChatOptions): input is readonly PluginEntry[] {
  return Array.isArray(input)
}
