import { existsSync } from 'node:fs'
import { networkInterfaces } from 'node:os'
import { relative, resolve } from 'node:path'
import {
  ChatError, createChat, formatAddress, getRuntimeKey, loadConfig, resolveConfig, type Chat, type ChatEventHandler, type ResolvedConfig,
} from './_core.ts'
import { parsePort } from '../core/address.ts'
import { parseGroup, type GroupOptions } from '../core/runtime/group.ts'
import { codec, isSupportedEncoding } from '../plugins/index.ts'
import type { Output } from './_output.ts'

const CONFIG_NAMES = ['chat.config.ts', 'chat.config.mts', 'chat.config.js', 'chat.config.mjs']

export interface SessionFlags {
  config?: string
  host?: string
  port?: string
  encoding?: string
  /** Report each message's way through the hooks. */
  trace?: boolean
  /** A multicast room to join, and how (see `groupFlags`). */
  group?: string
  interface?: string
  ttl?: number
  'no-loopback'?: boolean
}

/**
 * Finds, loads and validates the config, then applies the command-line overrides.
 * With `fresh` (a reload), the config and the local files it imports are read again.
 */
export async function readConfig(flags: SessionFlags, defaults: { port?: number; fresh?: boolean | readonly string[] } = {}): Promise<ResolvedConfig> {
  const file = findConfig(flags.config)
  let config: ResolvedConfig
  try {
    config = file ? await loadConfig(file, { label: flags.config ?? relative(process.cwd(), file), fresh: defaults.fresh }) : resolveConfig({})
  } finally {
    configRead = true
    caught()
  }
  if (flags.group !== undefined) config.group = { address: flags.group }
  if (config.group) {
    const group = (config.group = { ...config.group })
    parseGroup(group.address, '--group')
    if (flags.interface !== undefined) group.interface = flags.interface
    if (flags.ttl !== undefined) group.ttl = flags.ttl
    if (flags['no-loopback']) group.loopback = false
    // The group's port is the room's; ours only sends (and hears replies): any free one, so members here do not collide.
    if (flags.port === undefined) config.port = 0
  } else if (flags.interface !== undefined || flags.ttl !== undefined || flags['no-loopback']) {
    throw new ChatError('E_USAGE', '--interface, --ttl and --no-loopback go with --group GROUP:PORT (or a `group` in the config)')
  }
  if (flags.host !== undefined) config.host = flags.host
  if (flags.port !== undefined) config.port = parsePort(flags.port, '--port')
  else if (defaults.port !== undefined) config.port = defaults.port
  if (flags.encoding !== undefined) {
    if (!isSupportedEncoding(flags.encoding)) {
      throw new ChatError('E_USAGE', `Expected --encoding to name an encoding such as utf-8, gbk, gb18030, big5, shift_jis or latin1, got \`${flags.encoding}\``)
    }
    // It replaces the config's codec rather than sitting beside it.
    const others = config.plugins.filter((p) => p.plugin.name !== 'codec')
    config.plugins = [...resolveConfig({ plugins: [codec(flags.encoding)] }).plugins, ...others]
  }
  return config
}

/** The config file's absolute path: `--config`, else the first `chat.config.*` here. */
export function findConfig(given: string | undefined): string | undefined {
  if (given !== undefined) {
    const file = resolve(given)
    if (!existsSync(file)) throw new ChatError('E_CONFIG', `Config file not found: ${given}`)
    return file
  }
  return CONFIG_NAMES.map((name) => resolve(name)).find((file) => existsSync(file))
}

/** Opens the chat the flags describe and says where it listens. */
export async function openChat(
  output: Output,
  flags: SessionFlags,
  options: { port?: number; onEvent?: ChatEventHandler; datagramEvents?: ReadonlyArray<'message' | 'sent'>; announce?: boolean } = {},
): Promise<{ chat: Chat; config: ResolvedConfig }> {
  const config = await readConfig(flags, { port: options.port })
  const onEvent = options.onEvent ?? output.handler()
  const chat = await createChat({ config, logger: output.logger, onEvent, datagramEvents: options.datagramEvents, trace: flags.trace })
  const names = listening(output, chat)
  if (!output.options.json && options.announce !== false) {
    const source = config.file ? ` with ${config.file}` : ''
    output.logger.info(`listening on ${formatAddress(chat.local)}${lanAddresses(chat.local.host)}${source}${names.length ? ` (plugins: ${names.join(', ')})` : ''}`)
    if (config.group) output.logger.info(describeGroup(config.group))
  }
  return { chat, config }
}

/** ` (LAN: 192.168.1.20)`: what to tell a friend, when we listen on every interface. */
function lanAddresses(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return ''
  const lan = Object.values(networkInterfaces()).flatMap((list) => list ?? [])
    .filter((i) => !i.internal && (i.family === 'IPv4' || (host === '::' && !i.address.startsWith('fe80'))))
    .map((i) => i.address)
  return lan.length ? ` (LAN: ${lan.join(', ')})` : ''
}

function describeGroup(group: GroupOptions): string {
  const how = [`on ${group.interface ?? "the system's interface"}`, `ttl ${group.ttl ?? 1}`, group.loopback === false ? 'no loopback' : ''].filter(Boolean)
  return `in the multicast room ${group.address} (${how.join(', ')}): lines go to everyone in it`
}

/** The `listening` JSON event (with --json); returns the names of the plugins in effect. */
export function listening(output: Output, chat: Chat): string[] {
  const plugins = chat.plugins().map((p) => p.name)
  output.event('listening', { host: chat.local.host, port: chat.local.port, family: chat.local.family, runtime: getRuntimeKey(), plugins })
  return plugins
}

let signalled: Promise<NodeJS.Signals> | undefined
/** Until the first config is read, signals keep their default action (see `untilSignal`). */
let configRead = false
let catchSignals: (() => void) | undefined

/**
 * Resolves on the first SIGINT or SIGTERM; a second one exits at once. Catching starts at the
 * first call and every call shares it: call it before announcing "listening", since a runtime
 * whose stdout writes synchronously (Bun) lets a signal sent on that line arrive before the next one runs.
 * Until the config is read, it does not catch them yet: a config that never finishes loading
 * (an endless loop at import runs no handler) must still stop on SIGTERM, as any program does.
 */
export function untilSignal(output: Output): Promise<NodeJS.Signals> {
  return (signalled ??= new Promise((resolve) => {
    let seen = false
    const onSignal = (signal: NodeJS.Signals) => {
      if (seen) {
        output.logger.warn(`${signal} again: exiting without cleaning up`)
        process.exit(130)
      }
      seen = true
      resolve(signal)
    }
    catchSignals = () => {
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
    }
    if (configRead) caught()
  }))
}

function caught(): void {
  catchSignals?.()
  catchSignals = undefined
}
