import * as v from 'valibot'
import { parseHostPort } from './address.ts'
import { ChatError } from './errors.ts'
import { findUnknownKey } from './unknown-keys.ts'
import { configError, describeUnknown, describeValue } from './config-errors.ts'
import { HOOK_NAMES } from './hooks.ts'
import type { Plugin, ResolvedPlugin } from './plugin.ts'
import { parseGroup, type GroupOptions } from './runtime/group.ts'
import { LimitsSchema, type Limits, type LimitsInput } from './limits.ts'

/** The contents of `chat.config.ts`. */
export interface ChatConfig {
  /** The address to bind; `::` for IPv6 (and IPv4 where the system allows). @default '0.0.0.0' */
  host?: string
  /** The port to bind; 0 picks any free port. @default 7788 */
  port?: number
  /** Where typed lines go until `/to` says otherwise: a contact name or HOST:PORT. */
  to?: string
  /** Contacts: a name for each HOST:PORT. */
  peers?: Record<string, string>
  /** The plugins, in order. `false`, `null` and `undefined` entries are skipped. */
  plugins?: ReadonlyArray<Plugin<any> | false | null | undefined>
  /**
   * The socket's receive buffer in bytes (SO_RCVBUF; Linux doubles it). Larger loses less in a
   * burst; smaller bounds how long a datagram can wait behind a flood (the queue's drain time is
   * its latency): 1 MiB holds about 2,500 small datagrams, some 30 of 64 KiB. @default 1048576
   */
  recvBufferSize?: number
  /** Rate limits, answer budgets and the amplification limit (see the README's Security section). */
  limits?: LimitsInput
  /**
   * A multicast room: join this group (`239.1.2.3:5000`, or with options) and talk to it; `host`
   * and `port` then name the socket we send from. See the README's "multicast rooms".
   */
  group?: string | GroupOptions
}

/** Identity: gives a config file its types. */
export function defineConfig(config: ChatConfig): ChatConfig {
  return config
}

/** A config after validation, with every default filled in. */
export interface ResolvedConfig {
  file?: string
  host: string
  port: number
  to?: string
  peers: Record<string, string>
  plugins: ResolvedPlugin[]
  recvBufferSize: number
  limits: Limits
  group?: GroupOptions
}

const isInteger = (min: number, max: number) => (x: unknown) =>
  typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max

const MulticastSchema = v.custom<string>((x) => {
  try {
    return typeof x === 'string' && parseGroup(x) !== undefined
  } catch {
    return false
  }
}, 'a multicast GROUP:PORT such as 239.1.2.3:5000')

const GroupSchema = v.pipe(
  v.union(
    [
      MulticastSchema,
      v.object({
        address: MulticastSchema,
        interface: v.optional(
          v.pipe(v.string('an interface address (string)'), v.minLength(1, 'an interface address')),
        ),
        ttl: v.optional(v.custom<number>(isInteger(0, 255), 'a TTL 0-255')),
        loopback: v.optional(v.boolean('true or false')),
      }),
    ],
    'a multicast GROUP:PORT, or { address, interface?, ttl?, loopback? }',
  ),
  v.transform((group): GroupOptions => (typeof group === 'string' ? { address: group } : group)),
)

const HostPortSchema = v.custom<string>(
  (x) => typeof x === 'string' && parseHostPort(x) !== undefined,
  'HOST:PORT (e.g. 192.168.1.20:7788)',
)

function pluginExpected(issue: { input: unknown }): string {
  const input = issue.input
  return typeof input === 'function'
    ? `a plugin object (call the plugin factory: \`${input.name}()\`, not \`${input.name}\`)`
    : 'a plugin object'
}

const PluginSchema = v.pipe(
  v.custom<Plugin>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), pluginExpected),
  v.looseObject({
    name: v.pipe(v.string('a plugin name (string)'), v.minLength(1, 'a non-empty plugin name')),
    enforce: v.optional(v.picklist(['pre', 'post'], '`pre` or `post`')),
    onError: v.optional(v.picklist(['skip', 'drop'], '`skip` or `drop`')),
    ...Object.fromEntries(HOOK_NAMES.map((hook) => [hook, v.optional(v.function(`a function`))])),
  }),
)

const AN_OBJECT = 'an object (`export default defineConfig({ ... })`)'

const ConfigSchema = v.object(
  {
    host: v.optional(v.pipe(v.string('a host address (string)'), v.minLength(1, 'a host address')), '0.0.0.0'),
    port: v.optional(v.custom<number>(isInteger(0, 65535), 'an integer 0-65535'), 7788),
    to: v.optional(v.pipe(v.string('a contact name or HOST:PORT'), v.minLength(1, 'a contact name or HOST:PORT'))),
    peers: v.optional(
      v.record(v.pipe(v.string('a contact name'), v.minLength(1, 'a contact name, not empty')), HostPortSchema),
      {},
    ),
    plugins: v.optional(
      v.array(v.union([PluginSchema, v.literal(false), v.null(), v.undefined()], pluginExpected)),
      [],
    ),
    recvBufferSize: v.optional(v.custom<number>(isInteger(0, 2 ** 31 - 1), 'a size in bytes'), 1024 * 1024),
    limits: LimitsSchema,
    group: v.optional(GroupSchema),
  },
  AN_OBJECT,
)

/**
 * Validates a loaded config and each plugin's options.
 * @throws ChatError `E_CONFIG` naming the file, the option path, what was expected and what was found.
 */
export function resolveConfig(input: unknown, file?: string): ResolvedConfig {
  const where = file ?? 'config'
  // valibot takes an array for an object: `export default []` would run with every default.
  if (Array.isArray(input))
    throw new ChatError('E_CONFIG', `${where}: (top level): expected ${AN_OBJECT}, got ${describeValue(input)}`)
  const unknownKey = findUnknownKey(ConfigSchema, input)
  if (unknownKey) throw new ChatError('E_CONFIG', `${where}: ${describeUnknown(unknownKey, 'key')}`)
  const parsed = v.safeParse(ConfigSchema, input)
  if (!parsed.success) throw configError(file, parsed.issues)
  const config = parsed.output
  const plugins: ResolvedPlugin[] = []
  config.plugins.forEach((entry, index) => {
    if (!entry) return
    // The object the config made, not the schema's copy of it: what it is (a relay, a codec) stays known.
    const plugin = ((input as { plugins: unknown[] }).plugins[index] ?? entry) as Plugin
    plugins.push({ plugin, options: plugin.schema ? pluginOptions(plugin, index, where) : plugin.options })
  })
  if (config.to !== undefined && parseHostPort(config.to) === undefined && !(config.to in config.peers)) {
    throw new ChatError(
      'E_CONFIG',
      `${where}: to: expected a contact name from \`peers\` or HOST:PORT, got \`${config.to}\``,
    )
  }
  return { ...config, file, plugins }
}

/** A plugin's options through its schema: valibot's own parse where it can (its issues say more), else Standard Schema's. */
function pluginOptions(plugin: Plugin, index: number, where: string): unknown {
  const schema = plugin.schema!
  const label = `plugins[${index}] (${plugin.name})`
  const unknownKey = findUnknownKey(schema, plugin.options)
  if (unknownKey) throw new ChatError('E_CONFIG', `${where}: ${label}: ${describeUnknown(unknownKey, 'option')}`)
  if (schema['~standard'].vendor === 'valibot' && '~run' in schema) {
    const result = v.safeParse(schema as unknown as v.GenericSchema, plugin.options)
    if (!result.success) throw configError(where, result.issues, ['plugins', index], label)
    return result.output
  }
  const result = schema['~standard'].validate(plugin.options)
  if (result instanceof Promise)
    throw new ChatError(
      'E_CONFIG',
      `${where}: ${label}: its schema validates asynchronously; options are checked before the chat starts, so it must not`,
    )
  if (result.issues) {
    const lines = result.issues.slice(0, 5).map((issue) => {
      const keys = (issue.path ?? []).map((item) => (typeof item === 'object' ? item.key : item))
      return `${where}: ${label}${keys.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('')}: ${issue.message}`
    })
    throw new ChatError('E_CONFIG', lines.join('\n'))
  }
  return result.value
}
