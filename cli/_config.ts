import { existsSync } from 'node:fs'
import { relative, resolve } from 'node:path'
import {
  ChatError,
  createPeers,
  getTransport,
  isChatError,
  loadConfig,
  resolveConfig,
  resolveTarget,
  type Address,
  type ResolvedConfig,
} from './_core.ts'
import { parseHostPort, parsePort } from '../core/address.ts'
import { parseGroup } from '../core/runtime/group.ts'
import { WIRE_HOOKS } from '../core/hooks.ts'
import { codec, isCodec, isSupportedEncoding } from '../plugins/index.ts'
import type { Cli } from './_io.ts'

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
export async function readConfig(
  flags: SessionFlags,
  cli: Cli,
  defaults: { port?: number; fresh?: boolean | readonly string[] } = {},
): Promise<ResolvedConfig> {
  const file = findConfig(flags.config, cli.io.cwd)
  let config: ResolvedConfig
  try {
    config = file
      ? await loadConfig(file, { label: flags.config ?? relative(cli.io.cwd, file), fresh: defaults.fresh })
      : resolveConfig({})
  } finally {
    // A config that never finishes loading must still stop on a signal: see untilSignal.
    cli.signals.configLoaded()
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
    throw new ChatError(
      'E_USAGE',
      '--interface, --ttl and --no-loopback go with --group GROUP:PORT (or a `group` in the config)',
    )
  }
  if (flags.host !== undefined) config.host = flags.host
  if (flags.port !== undefined) config.port = parsePort(flags.port, '--port')
  else if (defaults.port !== undefined) config.port = defaults.port
  if (flags.encoding !== undefined) {
    if (!isSupportedEncoding(flags.encoding)) {
      throw new ChatError(
        'E_USAGE',
        `Expected --encoding to name an encoding such as utf-8, gbk, gb18030, big5, shift_jis or latin1, got \`${flags.encoding}\``,
      )
    }
    // It replaces the config's codec rather than sitting beside it.
    const others = config.plugins.filter((p) => !isCodec(p.plugin))
    config.plugins = [...resolveConfig({ plugins: [codec(flags.encoding)] }).plugins, ...others]
  }
  // The first codec decodes and encodes everything: a second would do nothing, without a word.
  const codecs = config.plugins.flatMap((p, i) => (isCodec(p.plugin) ? [i] : []))
  if (codecs.length > 1)
    throw new ChatError(
      'E_CONFIG',
      `${config.file ?? 'config'}: plugins[${codecs[1]}]: a second codec; the first (plugins[${codecs[0]}]) decodes ` +
        'and encodes every datagram, so keep one (or give the encoding with --encoding)',
    )
  return config
}

/**
 * The config for `chat send`: its contacts and host, and of its plugins only those that shape the
 * wire (a codec, a signed room's keys). The others act on messages (bots, a relay, a transcript):
 * they belong to the chat or server the config describes, and a bot in the sender would answer
 * the server's answers (the config of the README's own project did: a loop, stopped only by
 * `limits.answers`).
 */
export function wireOnly(config: ResolvedConfig): ResolvedConfig {
  const plugins = config.plugins.filter((p) => WIRE_HOOKS.some((hook) => typeof p.plugin[hook] === 'function'))
  return { ...config, plugins }
}

/**
 * The config to talk to `target` (a contact name or HOST:PORT) with: when the socket would bind
 * the default `0.0.0.0` (no --host, no other `host` in the config, no room) and the target is an
 * IPv6 address, it binds `::` instead, since an IPv4 socket cannot send there.
 */
export function bindForTarget(config: ResolvedConfig, target: string, flags: SessionFlags): ResolvedConfig {
  if (flags.host !== undefined || config.group || config.host !== '0.0.0.0') return config
  let host: string | undefined
  try {
    host = parseHostPort(config.peers[target] ?? target)?.host
  } catch {
    // A bad port: the chat says so when it resolves the target.
  }
  return host?.includes(':') ? { ...config, host: '::' } : config
}

/**
 * A target of the command line (`join TARGET`, `chat --to`), looked up before the chat binds, so
 * that a typo is said before "listening", and a relay is known before its heartbeat starts.
 */
export async function resolveEarly(target: string, config: ResolvedConfig): Promise<Address> {
  const transport = getTransport()
  // Only this contact is looked up here; the chat looks the contacts up once, as it starts.
  const named = config.peers[target]
  return resolveTarget(named ?? target, await createPeers({}, transport), transport).catch((error: unknown) => {
    const names = Object.keys(config.peers)
    if (!isChatError(error) || !error.message.startsWith('Unknown target') || !names.length) throw error
    throw new ChatError('E_TARGET', `${error.message}; contacts: ${names.join(', ')}`, { cause: error })
  })
}

/** The config file's absolute path: `--config`, else the first `chat.config.*` in `cwd`. */
export function findConfig(given: string | undefined, cwd: string): string | undefined {
  if (given !== undefined) {
    const file = resolve(cwd, given)
    if (!existsSync(file)) throw new ChatError('E_CONFIG', `Config file not found: ${given}`)
    return file
  }
  return CONFIG_NAMES.map((name) => resolve(cwd, name)).find((file) => existsSync(file))
}
