import { createConsola, type ConsolaInstance } from 'consola'
import { formatAddress, isLoopback, isWildcard, type Address } from './address.ts'
import type { ResolvedConfig } from './config.ts'
import { ChatError, describeError } from './errors.ts'
import { describeEvent, type ChatEventHandler } from './events.ts'
import { createPeers, resolveTarget, type Peers, type Target } from './peers.ts'
import { describePlugins, type PluginInfo } from './plugin.ts'
import { comparePlugins, type ReloadReport } from './reload-report.ts'
import { getGroupTransport, getTransport } from './runtime/index.ts'
import type { UdpTransport } from './runtime/types.ts'
import { Tracer } from './trace.ts'
import { Engine } from './_engine.ts'
import { Guard, GUARD_REPORT_MS } from './guard.ts'
import { startPlugins, stopPlugins, type ContextServices } from './_plugin-set.ts'

export interface ChatOptions {
  /** A validated config (see `resolveConfig`). */
  config: ResolvedConfig
  /** The socket layer; the running runtime's by default. */
  transport?: UdpTransport
  /** Where plugins log; each plugin gets it tagged with its name. */
  logger?: ConsolaInstance
  /** Hears every message, send, drop and error. Without it, errors are logged. */
  onEvent?: ChatEventHandler
  /** How long an async hook, `setup` or `dispose` may take before it is given up, in ms. @default 5000 */
  hookTimeout?: number
  /**
   * After this many failures in a row (throws or timeouts), a hook is switched off for `coolDown`
   * ms (or until the next reload); a plugin that fails closed (`onError: 'drop'`) drops every message instead.
   * @default 10
   */
  maxFailures?: number
  /**
   * How long a hook switched off after `maxFailures` stays off before it is tried again, in ms;
   * twice as long each time it trips again (at most 10 minutes). @default 30000
   */
  coolDown?: number
  /** Report each message's way through the hooks as a `trace` event (what each did, how long). @default false */
  trace?: boolean
  /**
   * The per-datagram events `onEvent` hears: `message` (each datagram in, once through the
   * plugins) and `sent` (each datagram out). They are the only events on the hot path: leave out
   * the ones the handler ignores and the chat does not build them. @default ['message', 'sent']
   */
  datagramEvents?: ReadonlyArray<'message' | 'sent'>
}

/** A bound socket with its plugins running. */
export interface Chat {
  readonly local: Address
  readonly peers: Peers
  /** The plugins in effect, in the order they run. */
  plugins(): PluginInfo[]
  /**
   * Sends text through the outbound chain; resolves once the datagram has left, rejects if it
   * failed or a plugin dropped it. Bytes (a Uint8Array) go out exactly as given: they skip the
   * outbound hooks and the encoder, which work on text.
   */
  send(text: string | Uint8Array, to: Target): Promise<Address>
  /** A contact name or HOST:PORT, as an address. */
  resolve(target: Target): Promise<Address>
  /**
   * Resolves once no message is being handled: every hook has finished with every datagram
   * received so far, and every send they made has left. The test kit waits on it.
   */
  idle(): Promise<void>
  /**
   * Swaps in the plugins of a new config, as a transaction: sets the new plugins up, swaps them
   * in in one step, then disposes the old ones in reverse. If a setup fails, the new ones are
   * disposed, the old ones keep running and it rejects (ChatError `E_PLUGIN`). The socket stays
   * bound: a datagram is handled by the old plugins or the new ones, never lost. Reloads run one
   * at a time. Contacts of the new config are added; host and port are not applied.
   */
  reload(config: ResolvedConfig): Promise<ReloadReport>
  /** Disposes the plugins (in reverse order), lets their last datagrams leave, closes the socket. */
  close(): Promise<void>
}

const DRAIN_MS = 1000

/** Binds the socket, sets the plugins up in order, and starts receiving. */
export async function createChat(options: ChatOptions): Promise<Chat> {
  const { config } = options
  const transport = config.group
    ? getGroupTransport(config.group, options.transport)
    : (options.transport ?? getTransport())
  const logger = options.logger ?? createConsola({ defaults: { tag: 'udpchat' } })
  const emit: ChatEventHandler =
    options.onEvent ?? ((event) => event.type === 'error' && logger.error(describeEvent(event)))
  const timeout = options.hookTimeout ?? 5000
  const tracer = options.trace ? new Tracer(emit) : undefined
  const heard = options.datagramEvents ?? ['message', 'sent']
  const peers = await createPeers(config.peers, transport)
  const resolve = (target: Target) => resolveTarget(target, peers, transport)
  const guard = new Guard(config.limits)
  const engine = new Engine({
    guard,
    emit,
    nameOf: (address) => peers.nameOf(address),
    resolve,
    output: (bytes, to, done) => socket.send(bytes, to, done),
    hookTimeout: timeout,
    maxFailures: options.maxFailures ?? 10,
    coolDown: options.coolDown ?? 30_000,
    logger,
    hear: { message: heard.includes('message'), sent: heard.includes('sent') },
    observer: tracer,
  })

  let isOwn = (_from: Address) => false
  const socket = await transport.bind({
    host: config.host,
    port: config.port,
    recvBufferSize: config.recvBufferSize,
    onDatagram: (data, from) => isOwn(from) || engine.receive(data, from),
    onError: (error) => emit({ type: 'error', error }),
  })
  const local = socket.local
  engine.local = local
  const ownHosts = new Set(isWildcard(local.host) ? transport.localHosts() : [local.host])
  isOwn = (from) => from.port === local.port && (ownHosts.has(from.host) || isLoopback(from.host))

  const stores = new Map<string, Map<string, unknown>>()
  const services: ContextServices = {
    local,
    peers,
    logger,
    store: (name) => stores.get(name) ?? stores.set(name, new Map()).get(name)!,
    send: (text, to, plugin) => engine.sendFrom(plugin, text, to),
    broadcast: (text, to, plugin) => engine.broadcast(plugin, text, to),
    reply: (message, text, plugin) => engine.replyFrom(plugin, message, text),
    markProven: (address, proven) => (proven ? guard.budget?.prove(address.host) : guard.budget?.forget(address.host)),
    report: (status, plugin) => emit({ type: 'status', plugin, status }),
  }
  const lifecycle = { timeout, emit, wrap: tracer?.wrap }
  try {
    engine.use(await startPlugins(config.plugins, services, lifecycle))
  } catch (error) {
    await socket.close()
    throw error
  }
  const reportGuard = () => {
    const counts = guard.report()
    if (counts) emit({ type: 'guard', counts, total: { ...guard.total } })
  }
  const guardTimer = setInterval(reportGuard, GUARD_REPORT_MS)
  ;(guardTimer as { unref?: () => void }).unref?.()
  emit({ type: 'listening', address: local })

  let closing = false
  async function swap(next: ResolvedConfig): Promise<ReloadReport> {
    const began = performance.now()
    if (closing) throw new ChatError('E_PLUGIN', 'Cannot reload: the chat is closed')
    const notes: string[] = []
    if (next.host !== config.host || next.port !== config.port) {
      notes.push(`the socket stays on ${formatAddress(local)}: a new host or port needs a restart`)
    }
    for (const [name, text] of Object.entries(next.peers)) {
      await resolve(text).then(
        (address) => peers.set(name, address),
        (error: unknown) => notes.push(`contact ${name}: ${describeError(error)}`),
      )
    }
    const fresh = await startPlugins(next.plugins, services, { ...lifecycle, reload: true }).catch((error: unknown) => {
      throw new ChatError('E_PLUGIN', `${describeError(error)}; the old plugins keep running`, { cause: error })
    })
    const old = engine.set!.plugins
    // The swap: one step; datagrams already in the old plugins' hooks finish there.
    engine.use(fresh)
    const swapMs = performance.now() - began
    const kept = new Set(fresh.plugins.map((p) => p.plugin.name))
    const errors = await stopPlugins(old, { ...lifecycle, kept: (name) => kept.has(name) })
    for (const running of old) if (!kept.has(running.plugin.name)) stores.delete(running.plugin.name)
    const changes = comparePlugins(old, fresh.plugins)
    return { ...changes, swapMs, ms: performance.now() - began, errors, notes }
  }

  /** The engine idle, or `ms` passed. */
  async function settled(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([engine.idle(), new Promise((ok) => (timer = setTimeout(ok, ms)))])
    clearTimeout(timer)
  }

  let reloads: Promise<unknown> = Promise.resolve()
  let closed: Promise<void> | undefined
  return {
    local,
    peers,
    plugins: () => (engine.set ? describePlugins(engine.set.plugins, engine.set) : []),
    resolve,
    idle: () => engine.idle(),
    async send(text, target) {
      const to = await resolve(target)
      await new Promise<void>((ok, fail) => {
        const done = (error?: Error) => (error ? fail(error) : ok())
        if (typeof text === 'string') engine.send(text, to, undefined, done)
        else engine.sendBytes(text, to, done)
      })
      return to
    },
    reload(next) {
      const done = reloads.then(() => swap(next))
      reloads = done.catch(() => undefined)
      return done
    },
    close() {
      closed ??= (async () => {
        await reloads
        closing = true
        // Once closing, nothing new comes in: every message reported reaches every plugin before it is disposed.
        engine.close()
        await settled(timeout)
        await stopPlugins(engine.set?.plugins ?? [], lifecycle)
        // What the plugins sent on their way out leaves before the socket closes.
        await settled(DRAIN_MS)
        engine.use(undefined)
        await socket.close()
        clearInterval(guardTimer)
        reportGuard()
        emit({ type: 'closed' })
      })()
      return closed
    },
  }
}

export type { PluginInfo }
