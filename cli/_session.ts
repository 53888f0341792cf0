import { networkInterfaces } from 'node:os'
import {
  createChat,
  formatAddress,
  getRuntimeKey,
  type Chat,
  type ChatEventHandler,
  type GroupOptions,
  type ResolvedConfig,
} from './_core.ts'
import { readConfig, type SessionFlags } from './_config.ts'
import type { Output } from './_output.ts'
import { createReloader, type Reloader } from './_reloader.ts'
import { watchConfig } from './_watch.ts'

export interface SessionOptions {
  /** The port when the flags name none (`send` and `join` bind any free port). */
  port?: number
  /** Hears the chat's events. @default the output's handler */
  onEvent?: ChatEventHandler
  /** See `ChatOptions.datagramEvents`. */
  datagramEvents?: ReadonlyArray<'message' | 'sent'>
  /** Say "listening on ..." on the terminal (the `listening` JSON event is always written). @default true */
  announce?: boolean
  /** What the command does to the config's plugins, at the start and at every reload (`join` adds its heartbeat). */
  shape?: (config: ResolvedConfig) => ResolvedConfig | Promise<ResolvedConfig>
}

/** A command's chat from start to stop: the one lifecycle of `chat`, `listen`, `serve` and `join`. */
export interface Session {
  readonly chat: Chat
  /** The config as loaded and shaped. */
  readonly config: ResolvedConfig
  /** Reloads from the config (`/reload`, `--watch`). */
  readonly reloader: Reloader
  /** Resolves on the first SIGINT or SIGTERM. */
  readonly signal: Promise<NodeJS.Signals>
  /** Stops watching, disposes the plugins (their last datagrams leave) and closes the socket. */
  close(): Promise<void>
}

/**
 * Catches signals, loads the config, opens the chat, says where it listens, and with `--watch`
 * watches the config for changes.
 */
export async function startSession(
  output: Output,
  flags: SessionFlags & { watch?: boolean },
  options: SessionOptions = {},
): Promise<Session> {
  // Before "listening" is printed: see untilSignal.
  const signal = output.signals.until(output)
  const shape = options.shape ?? ((config: ResolvedConfig) => config)
  const config = await shape(await readConfig(flags, output, { port: options.port }))
  const chat = await createChat({
    config,
    logger: output.logger,
    onEvent: options.onEvent ?? output.handler(),
    datagramEvents: options.datagramEvents,
    trace: flags.trace,
  })
  const names = listening(output, chat)
  if (!output.options.json && options.announce !== false) {
    const source = config.file ? ` with ${config.file}` : ''
    const plugins = names.length ? ` (plugins: ${names.join(', ')})` : ''
    output.logger.info(`listening on ${formatAddress(chat.local)}${lanAddresses(chat.local.host)}${source}${plugins}`)
    if (config.group) output.logger.info(describeGroup(config.group))
  }
  const reloader = createReloader(output, flags, async (next) => chat.reload(await shape(next)), { port: options.port })
  const watcher = flags.watch ? watchConfig(output, flags, reloader) : undefined
  return {
    chat,
    config,
    reloader,
    signal,
    async close() {
      watcher?.close()
      await chat.close()
    },
  }
}

/** ` (LAN: 192.168.1.20)`: what to tell a friend, when we listen on every interface. */
function lanAddresses(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return ''
  const lan = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => !i.internal && (i.family === 'IPv4' || (host === '::' && !i.address.startsWith('fe80'))))
    .map((i) => i.address)
  return lan.length ? ` (LAN: ${lan.join(', ')})` : ''
}

function describeGroup(group: GroupOptions): string {
  const how = [
    `on ${group.interface ?? "the system's interface"}`,
    `ttl ${group.ttl ?? 1}`,
    group.loopback === false ? 'no loopback' : '',
  ].filter(Boolean)
  return `in the multicast room ${group.address} (${how.join(', ')}): what is sent to it reaches everyone in it`
}

/** The `listening` JSON event (with --json); returns the names of the plugins in effect. */
function listening(output: Output, chat: Chat): string[] {
  const plugins = chat.plugins().map((p) => p.name)
  const { host, port, family } = chat.local
  output.event('listening', { host, port, family, runtime: getRuntimeKey(), plugins })
  return plugins
}
