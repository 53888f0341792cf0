import { createConsola, type ConsolaInstance } from 'consola'
import { formatAddress, isLoopback, isWildcard, type Address } from './address.ts'
import type { ResolvedConfig, ResolvedPlugin } from './config.ts'
import { ChatError, describeError } from './errors.ts'
import type { ChatEvent, ChatEventHandler } from './events.ts'
import { createPeers, resolveTarget } from './peers.ts'
import { createPipeline, describePlugins, orderPlugins, runChain, runDecode, runEncode, runUnwrap, runWrap, switchOff, type HookHost, type Pipeline, type PluginInfo, type Slot } from './pipeline.ts'
import { getGroupTransport, getTransport } from './runtime/index.ts'
import type { UdpSocket, UdpTransport } from './runtime/types.ts'
import type { Message, Outgoing, Peers, Target } from './types.ts'
import { decodeUtf8, encodeUtf8 } from './utf8.ts'
import { toHex } from './hex.ts'
import { createContext, type ContextHost, type Lifetime } from './_context.ts'
import { asError, disposeAll, setupAll } from './_lifecycle.ts'
import { compareSlots, type ReloadReport } from './_reload.ts'
import { Tracer } from './_trace.ts'
import { Guard, GUARD_REPORT_MS } from './_guard.ts'

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
   * After this many failures in a row (throws or timeouts), a hook is switched off until the
   * next reload; a plugin that fails closed (`onError: 'drop'`) drops every message instead.
   * @default 10
   */
  maxFailures?: number
  /** Report each message's way through the hooks as a `trace` event (what each did, how long). @default false */
  trace?: boolean
  /**
   * The per-datagram events `onEvent` hears: `message` (each datagram in, once through the
   * plugins) and `sent` (each datagram out). They are the only events on the hot path: leave out
   * the ones the handler ignores and the chat does not build them. @default ['message', 'sent']
   */
  datagramEvents?: ReadonlyArray<'message' | 'sent'>
}

export type { PluginInfo }

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
   * Swaps in the plugins of a new config, as a transaction: sets the new plugins up, swaps the
   * pipeline in one step, then disposes the old ones in reverse. If a setup fails, the new ones
   * are disposed, the old ones keep running and it rejects (ChatError `E_PLUGIN`). The socket
   * stays bound: a datagram is handled by the old pipeline or the new one, never lost.
   * Reloads run one at a time. Contacts of the new config are added; host and port are not applied.
   */
  reload(config: ResolvedConfig): Promise<ReloadReport>
  /** Disposes the plugins (in reverse order), lets their last datagrams leave, closes the socket. */
  close(): Promise<void>
}

const MAX_EARLY = 4096
const DRAIN_MS = 1000
const WRAP_FAILED = 'a wrap hook failed (the plugin fails closed)'

/** Binds the socket, sets the plugins up in order, and starts receiving. */
export async function createChat(options: ChatOptions): Promise<Chat> {
  const { config } = options
  const transport = config.group ? getGroupTransport(config.group, options.transport) : (options.transport ?? getTransport())
  const logger = options.logger ?? createConsola({ defaults: { tag: 'udpchat' } })
  const emit: ChatEventHandler = options.onEvent ?? ((event) => event.type === 'error' && logger.error(describeEvent(event)))
  const hookTimeout = options.hookTimeout ?? 5000
  const maxFailures = options.maxFailures ?? 10
  const tracer = options.trace ? new Tracer() : undefined
  const hearMessages = options.datagramEvents?.includes('message') ?? true
  const hearSent = options.datagramEvents?.includes('sent') ?? true
  const build = (slots: readonly Slot[]) => createPipeline(slots, tracer?.wrap)
  const peers = await createPeers(config.peers, transport)
  const stores = new Map<string, Map<string, unknown>>()
  const guard = new Guard(config.limits)

  let pipeline: Pipeline | undefined
  let closing = false
  let inflight = 0
  let drained: (() => void) | undefined
  // Messages and sends still in a hook chain or on their way out; `idle()` waits for 0.
  let busy = 0
  const idlers: Array<() => void> = []
  const early: Array<[Uint8Array, Address]> = []
  // The caller of `send` waiting on a message, by its meta (hooks that change a message keep its meta): a drop settles it too.
  const waiting = new WeakMap<object, (error?: Error) => void>()
  // Sends made in `setup` before the first pipeline exists; they leave once it does.
  const queued: Array<() => void> = []

  const host: HookHost & ContextHost = {
    hookTimeout,
    failed(slot, hook, error, subject) {
      emit({ type: 'error', error: asError(error), plugin: slot.plugin.name, hook, peer: 'from' in subject ? subject.from : subject.to })
      if (++slot.failures < maxFailures || !pipeline) return
      const closed = slot.plugin.onError === 'drop'
      const what = `its ${hook} hook failed ${slot.failures} times in a row`
      const next = switchOff(pipeline, slot, hook, `its ${hook} hook is off after ${slot.failures} failures in a row (the plugin fails closed)`)
      if (next === pipeline) return
      pipeline = next
      const then = closed && (hook === 'inbound' || hook === 'outbound') ? 'it now drops every message (the plugin fails closed)' : 'switched off'
      emit({ type: 'error', error: new ChatError('E_PLUGIN', `${what}; ${then} until the next reload`), plugin: slot.plugin.name, hook })
    },
    dropped(slot, reason, subject) {
      const inbound = 'from' in subject
      emit({ type: 'drop', plugin: slot.plugin.name, reason, direction: inbound ? 'inbound' : 'outbound', peer: inbound ? subject.from : subject.to, text: subject.text })
      if (!inbound) waiting.get(subject.meta)?.(new ChatError('E_SEND', `Not sent to ${formatAddress(subject.to)}: ${slot.plugin.name} dropped it (${reason})`))
      if (tracer) trace(subject, 'dropped')
      settled()
    },
    send(text, to, plugin) {
      if (tracer) tracer.sent(plugin)
      // An address from a message is held to the limits; a target written as text is the config's or the user's.
      if (typeof to !== 'string') return transmit(text, to, plugin, undefined, true)
      busy++
      resolveTarget(to, peers, transport).then(
        (address) => {
          transmit(text, address, plugin)
          settled()
        },
        (error: unknown) => {
          emit({ type: 'error', error: asError(error), plugin })
          settled()
        },
      )
    },
    reply(message, text, plugin) {
      if (tracer) tracer.sent(plugin)
      if (guard.answer(message.from, Date.now())) return transmit(text, message.from, plugin, undefined, true)
      const reason = `guard: ${message.from.host} is over its answer budget (limits.answers)`
      emit({ type: 'drop', plugin, reason, direction: 'outbound', peer: message.from, text })
    },
    markProven(address, proven) {
      if (proven) guard.budget?.prove(address.host)
      else guard.budget?.forget(address.host)
    },
    broadcast(text, targets, plugin) {
      const p = pipeline
      // Outbound hooks or a trace may treat each copy differently: each takes the full way out.
      if (!p || p.outbound.length !== 0 || tracer) {
        for (const to of targets) {
          if (tracer) tracer.sent(plugin)
          transmit(text, to, plugin)
        }
        return
      }
      // Nothing can change the text on its way out, so each copy skips the chain (and the utf-8 default encodes once).
      const utf8 = p.encoders.length === 0 ? encodeUtf8(text) : undefined
      // Copies that encode alike are wrapped once: one signature for the whole broadcast, so a
      // copy replayed at another recipient is one it has seen already.
      let plain: Uint8Array | undefined
      let wrapped: Uint8Array | undefined
      for (const to of targets) {
        const out = outgoing(text, to)
        busy++
        const bytes = utf8 ?? ((p.encoders.length && runEncode(p.encoders, out, host)) || encodeUtf8(text))
        if (!p.wrappers.length) leave(bytes, out, plugin)
        else if (wrapped && plain && sameBytes(plain, bytes)) leave(wrapped, out, plugin)
        else if ((wrapped = wrapAndLeave(p, (plain = bytes), out, plugin)) === undefined) plain = undefined
      }
    },
    store(name) {
      let store = stores.get(name)
      if (!store) stores.set(name, (store = new Map()))
      return store
    },
    report: (status, plugin) => emit({ type: 'status', plugin, status }),
  }

  const socket: UdpSocket = await transport.bind({
    host: config.host,
    port: config.port,
    recvBufferSize: config.recvBufferSize,
    onDatagram: (data, from) => {
      // Once closing, nothing new comes in: every message reported reaches every plugin before it is disposed.
      if (closing || !guard.admit(data.byteLength, from, Date.now())) return
      if (pipeline) receive(pipeline, data, from)
      else if (!closing && early.length < MAX_EARLY) early.push([data, from])
    },
    onError: (error) => emit({ type: 'error', error }),
  })
  const local = socket.local
  const ownHosts = isWildcard(local.host) ? new Set(transport.localHosts()) : new Set([local.host])

  function isOwn(from: Address): boolean {
    return from.port === local.port && (ownHosts.has(from.host) || isLoopback(from.host))
  }

  function receive(p: Pipeline, data: Uint8Array, from: Address): void {
    if (isOwn(from)) return
    if (p.unwrappers.length) {
      const unwrapped = runUnwrap(p.unwrappers, data, from, host)
      if (!(unwrapped instanceof Uint8Array)) {
        // Not decoded: the bytes were not accepted, so nothing of them is shown.
        return emit({ type: 'drop', plugin: unwrapped.slot.plugin.name, reason: unwrapped.drop, direction: 'inbound', peer: from, text: '' })
      }
      data = unwrapped
    }
    const decoded = (p.decoders.length && runDecode(p.decoders, data, from, host)) || decodeUtf8(data)
    const message: Message = { text: decoded.text, from, to: local, at: Date.now(), bytes: data, encoding: decoded.encoding, meta: {} }
    if (decoded.malformed) message.malformed = true
    const peer = peers.nameOf(from)
    if (peer !== undefined) message.meta.peer = peer
    if (tracer) tracer.begin(message)
    busy++
    runChain(p.inbound, 'inbound', message, host, deliver)
  }

  function deliver(message: Message): void {
    if (tracer) trace(message, 'delivered')
    if (hearMessages) emit({ type: 'message', message })
    settled()
  }

  function trace(subject: Message | Outgoing, outcome: 'delivered' | 'dropped' | 'sent' | 'failed'): void {
    const done = tracer!.finish(subject, outcome)
    if (done) emit({ type: 'trace', trace: done })
  }

  function settled(): void {
    if (--busy === 0 && idlers.length) for (const wake of idlers.splice(0)) wake()
  }

  function outgoing(text: string, to: Address): Outgoing {
    const out: Outgoing = { text, to, meta: {} }
    const peer = peers.nameOf(to)
    if (peer !== undefined) out.meta.peer = peer
    return out
  }

  /**
   * Sends through the outbound chain; without `done`, a failure is reported as an error event (a plugin's sends).
   * `limited`: a plugin's send to an address it got from the network, held to the amplification limit.
   */
  function transmit(text: string, to: Address, plugin: string | undefined, done?: (error?: Error) => void, limited = false): void {
    const p = pipeline
    if (!p) {
      if (!closing) return void queued.push(() => transmit(text, to, plugin, done, limited))
      const error = new ChatError('E_SEND', 'The chat is not running')
      return done ? done(error) : emit({ type: 'error', error, plugin, peer: to })
    }
    const first = outgoing(text, to)
    if (done) waiting.set(first.meta, done)
    if (tracer) tracer.begin(first)
    busy++
    runChain(p.outbound, 'outbound', first, host, (out) => {
      const bytes = (p.encoders.length && runEncode(p.encoders, out, host)) || encodeUtf8(out.text)
      if (tracer) tracer.encoded(out)
      const wire = p.wrappers.length ? runWrap(p.wrappers, bytes, out, host) : bytes
      const refused = wire ? (done ? undefined : refuse(wire.byteLength, out, limited)) : WRAP_FAILED
      if (refused === undefined) return leave(wire!, out, plugin, done)
      emit({ type: 'drop', plugin: plugin ?? 'guard', reason: refused, direction: 'outbound', peer: out.to, text: out.text })
      if (tracer) {
        tracer.note(out, { plugin: 'guard', hook: 'outbound', did: 'dropped', detail: refused, ms: 0 })
        trace(out, 'dropped')
      }
      done?.(new ChatError('E_PLUGIN', `Not sent: ${refused}`))
      settled()
    })
  }

  /** Why a plugin's datagram may not leave: over UDP's limit, or over the amplification limit; undefined if it may. */
  function refuse(size: number, out: Outgoing, limited: boolean): string | undefined {
    const max = out.to.family === 'IPv6' ? 65_527 : 65_507
    if (size > max) return `guard: ${size} bytes is over the datagram limit (${max})`
    if (!limited || out.meta.peer !== undefined || guard.send(out.to, size, Date.now())) return undefined
    return `guard: ${out.to.host} has not proved it receives what we send; it was already sent ${guard.budget!.factor}x what it sent (limits.amplification)`
  }

  /** `leave`, after the `wrap` hooks (returns what left); a wrapper that fails closed stops the datagram (reported as a drop). */
  function wrapAndLeave(p: Pipeline, bytes: Uint8Array, out: Outgoing, plugin: string | undefined): Uint8Array | undefined {
    const wrapped = runWrap(p.wrappers, bytes, out, host)
    if (wrapped) {
      leave(wrapped, out, plugin)
      return wrapped
    }
    emit({ type: 'drop', plugin: plugin ?? 'chat', reason: WRAP_FAILED, direction: 'outbound', peer: out.to, text: out.text })
    if (tracer) trace(out, 'dropped')
    settled()
    return undefined
  }

  /** Hands the bytes to the socket; the outcome becomes a `sent` or `error` event, or goes to `done`. Ends one `busy`. */
  function leave(bytes: Uint8Array, out: Outgoing, plugin: string | undefined, done?: (error?: Error) => void): void {
    inflight++
    socket.send(bytes, out.to, (error) => {
      if (tracer) trace(out, error ? 'failed' : 'sent')
      if (error) {
        if (!done) emit({ type: 'error', error, plugin, peer: out.to })
      } else if (hearSent) emit({ type: 'sent', to: out.to, peer: out.meta.peer as string | undefined, text: out.text, bytes: bytes.byteLength, plugin })
      if (--inflight === 0 && drained) drained()
      done?.(error)
      settled()
    })
  }

  const start = (resolved: ResolvedPlugin) => createContext(resolved, { local, peers, logger, host })
  let lifetimes: Lifetime[]
  try {
    lifetimes = await setupAll(orderPlugins(config.plugins), start, hookTimeout, emit)
  } catch (error) {
    closing = true
    await socket.close()
    throw error
  }
  pipeline = build(lifetimes.map((l) => l.slot))
  const reportGuard = () => {
    const counts = guard.report()
    if (counts) emit({ type: 'guard', counts, total: { ...guard.total } })
  }
  const guardTimer = setInterval(reportGuard, GUARD_REPORT_MS)
  ;(guardTimer as { unref?: () => void }).unref?.()
  emit({ type: 'listening', address: local })
  for (const send of queued.splice(0)) send()
  for (const [data, from] of early.splice(0)) receive(pipeline, data, from)

  async function swap(next: ResolvedConfig): Promise<ReloadReport> {
    const began = performance.now()
    if (closing) throw new ChatError('E_PLUGIN', 'Cannot reload: the chat is closed')
    const notes: string[] = []
    if (next.host !== config.host || next.port !== config.port) notes.push(`the socket stays on ${formatAddress(local)}: a new host or port needs a restart`)
    for (const [name, text] of Object.entries(next.peers)) {
      try {
        peers.set(name, await resolveTarget(text, peers, transport))
      } catch (error) {
        notes.push(`contact ${name}: ${describeError(error)}`)
      }
    }
    const fresh = await setupAll(orderPlugins(next.plugins), start, hookTimeout, emit, true).catch((error: unknown) => {
      throw new ChatError('E_PLUGIN', `${describeError(error)}; the old plugins keep running`, { cause: error })
    })
    const old = lifetimes
    // The swap: one assignment; datagrams already in the old chain finish there.
    pipeline = build(fresh.map((l) => l.slot))
    lifetimes = fresh
    const swapMs = performance.now() - began
    const kept = new Set(fresh.map((l) => l.slot.plugin.name))
    for (const lifetime of old) lifetime.replaced = kept.has(lifetime.slot.plugin.name)
    const errors = await disposeAll(old, hookTimeout, emit)
    for (const lifetime of old) if (!lifetime.replaced) stores.delete(lifetime.slot.plugin.name)
    const changes = compareSlots(old.map((l) => l.slot), fresh.map((l) => l.slot))
    return { ...changes, swapMs, ms: performance.now() - began, errors, notes }
  }

  let reloads: Promise<unknown> = Promise.resolve()
  let closed: Promise<void> | undefined
  return {
    local,
    peers,
    plugins: () => (pipeline ? describePlugins(pipeline.slots.map((s) => ({ plugin: s.plugin, options: s.ctx.options, ctx: s.ctx })), pipeline) : []),
    resolve: (target) => resolveTarget(target, peers, transport),
    idle: () => (busy === 0 ? Promise.resolve() : new Promise<void>((resolve) => idlers.push(resolve))),
    async send(text, target) {
      const to = await resolveTarget(target, peers, transport)
      await new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => (error ? reject(error) : resolve())
        if (typeof text === 'string') return transmit(text, to, undefined, done)
        busy++
        leave(text, outgoing(`hex:${toHex(text)}`, to), undefined, done)
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
        if (busy > 0) {
          let timer: ReturnType<typeof setTimeout> | undefined
          await new Promise<void>((resolve) => {
            idlers.push(resolve)
            timer = setTimeout(resolve, hookTimeout)
          })
          clearTimeout(timer)
        }
        await disposeAll(lifetimes, hookTimeout, emit)
        pipeline = undefined
        if (inflight > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve
            setTimeout(resolve, DRAIN_MS)
          })
        }
        await socket.close()
        clearInterval(guardTimer)
        reportGuard()
        emit({ type: 'closed' })
      })()
      return closed
    },
  }
}

/** One line for an error event: `plugin "x" (inbound, from 1.2.3.4:5): boom`. */
export function describeEvent(event: Extract<ChatEvent, { type: 'error' }>): string {
  const where = [event.hook, event.peer && formatAddress(event.peer)].filter(Boolean).join(', ')
  const who = event.plugin ? `plugin "${event.plugin}"${where ? ` (${where})` : ''}: ` : ''
  return `${who}${describeError(event.error)}`
}

export type { ResolvedPlugin }

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
