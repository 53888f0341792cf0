import { ChatError } from '../errors.ts'
import { groupTransport, type GroupOptions } from './group.ts'
import type { RuntimeKey, UdpAdapter, UdpTransport } from './types.ts'
import { getRuntimeKey } from './get-runtime-key.ts'
import { createTransport } from './transport.ts'

// Imported at the first bind or lookup, so no runtime's module is ever loaded on another runtime.
const adapters: Record<RuntimeKey, () => Promise<UdpAdapter>> = {
  node: async () => (await import('./node.ts')).nodeAdapter,
  deno: async () => (await import('./deno.ts')).denoAdapter(),
  bun: async () => (await import('./bun.ts')).bunAdapter(),
}
const chosen = new Map<RuntimeKey, UdpTransport>()

/** The transport for the running runtime (built once per runtime). */
export function getTransport(runtime: RuntimeKey = getRuntimeKey()): UdpTransport {
  let transport = chosen.get(runtime)
  if (!transport) chosen.set(runtime, (transport = createTransport(runtime, adapters[runtime])))
  return transport
}

/**
 * The transport of a multicast room: node:dgram, on Node and Bun (Bun's own UDP socket cannot
 * share a port with the other members here), loaded only for a room. Not on Deno: its node:dgram
 * accepts setMulticastInterface but does not apply it (measured: datagrams and joins left by the
 * default interface), and its own socket cannot pick the interface at all, so a room could leak
 * off the machine.
 */
export function getGroupTransport(group: GroupOptions, base?: UdpTransport): UdpTransport {
  const runtime = getRuntimeKey()
  if (runtime === 'deno') {
    const why =
      'multicast rooms do not work on Deno: it cannot choose the interface multicast leaves from; run this chat with Node or Bun'
    return { ...(base ?? getTransport()), runtime, bind: () => Promise.reject(new ChatError('E_BIND', why)) }
  }
  return groupTransport(base ?? createTransport(runtime, adapters.node), group)
}
