import { createConsola } from 'consola'
import { formatAddress, isAddress, isLoopback, isWildcard, type Address } from './address.ts'
import type { ResolvedConfig } from './config.ts'
import { describeValue } from './config-errors.ts'
import { ChatError, describeError } from './errors.ts'
import { describeEvent, type ChatEventHandler } from './events.ts'
import { createPeers, resolveTarget, type Target } from './peers.ts'
import { describePlugins } from './plugin.ts'
import { comparePlugins, type ReloadReport } from './reload-report.ts'
import { getGroupTransport, getTransport } from './runtime/index.ts'
import { Tracer } from './trace.ts'
import type { Chat, ChatOptions } from './chat-api.ts'
import { Engine } from './_engine.ts'
import { misuse } from './_answers.ts'
import { Guard, GUARD_REPORT_MS } from './guard.ts'
import { Lanes } from './lanes.ts'
import { startPlugins, stopPlugins, type ContextServices } from './_plugin-set.ts'

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

  let isOwn = (_from: Pick<Address, 'host' | 'port'>) => false
  let lanes: Lanes | undefined
  // Lanes go to who keeps to the per-source rate: without that limit, none (and no SO_REUSEADDR for them).
  const maxLanes = config.limits.perSource ? config.limits.lanes || 0 : 0
  const socket = await transport.bind({
    host: config.host,
    port: config.port,
    recvBufferSize: config.recvBufferSize,
    lanes: maxLanes > 0,
    onDatagram(data, from, at = Date.now()) {
      if (isOwn(from)) return false
      const awaiting = engine.awaiting
      // A source that keeps to its rate while others flood gets a queue of its own (`limits.lanes`).
      if (engine.receive(data, from, at) && lanes !== undefined && (lanes.size !== 0 || guard.flooded())) {
        lanes.admitted(from, at)
      }
      return engine.awaiting > awaiting
    },
    onError: (error) => emit({ type: 'error', error }),
  })
  if (socket.openLane && maxLanes > 0) {
    lanes = new Lanes(socket.openLane, maxLanes, guard, (error) => emit({ type: 'error', error }))
  } else if (config.limits.lanes) {
    const why = config.limits.perSource
      ? 'they need Node on Linux, a host that is one address, and no group'
      : 'they need limits.perSource, which tells who keeps to the rate'
    logger.warn(`limits.lanes: no lanes on ${formatAddress(socket.local)}: ${why}`)
  }
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
    markProven(address, proven, plugin) {
      if (!isAddress(address))
        return emit(misuse(plugin, 'markProven(address)', '`address` to be an address ({ host, port })', address))
      if (proven) guard.budget?.prove(address.host)
      else guard.budget?.forget(address.host)
    },
    report(status, plugin) {
      if (typeof status !== 'object' || status === null || Array.isArray(status))
        return emit(misuse(plugin, 'report(status)', '`status` to be an object (state or counters)', status))
      emit({ type: 'status', plugin, status })
    },
    failed: (error, plugin) => emit({ type: 'error', error, plugin }),
  }
  const lifecycle = { timeout, emit, wrap: tracer?.wrap }
  try {
    engine.use(await startPlugins(config.plugins, services, lifecycle))
  } catch (error) {
    lanes?.close()
    await socket.close()
    throw error
  }
  const reportGuard = () => {
    lanes?.sweep(Date.now())
    const counts = guard.report()
    if (counts) emit({ type: 'guard', counts, total: { ...guard.total }, lanes: lanes?.size ?? 0 })
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
    isOwn: (address) => isOwn(address),
    idle: () => engine.idle(),
    async send(text, target) {
      const to = await resolve(target)
      await new Promise<void>((ok, fail) => {
        const done = (error?: Error) => (error ? fail(error) : ok())
        if (typeof text === 'string') engine.send(text, to, undefined, done)
        else if (text instanceof Uint8Array) engine.sendBytes(text, to, done)
        else done(new ChatError('E_SEND', `Cannot send ${describeValue(text)}: a string or a Uint8Array is sent`))
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
        lanes?.close()
        await socket.close()
        clearInterval(guardTimer)
        reportGuard()
        emit({ type: 'closed' })
      })()
      return closed
    },
  }
}
