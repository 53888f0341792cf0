import { badTargetPort, formatAddress, isAddress, parseHostPort } from './address.ts'
import { describeValue } from './config-errors.ts'
import { ChatError } from './errors.ts'
import type { Address } from './address.ts'
import type { UdpTransport } from './runtime/types.ts'

/** Contacts: names and addresses, both ways. */
export interface Peers {
  /** The address of a contact, if the name is known. */
  get(name: string): Address | undefined
  /** The contact name of an address, if it has one. */
  nameOf(address: Pick<Address, 'host' | 'port'>): string | undefined
  /** Adds or replaces a contact. @throws ChatError `E_TARGET` when `name` is not a string or `address` no address */
  set(name: string, address: Address): void
  /** Every contact, in the order they were added. */
  entries(): Array<[name: string, address: Address]>
}

/** Where a message can go: a contact name, `HOST:PORT`, or an address. */
export type Target = string | Address

const key = (address: Pick<Address, 'host' | 'port'>) => `${address.host}|${address.port}`

/** Builds the contact list from the config's `peers`, resolving host names once. */
export async function createPeers(entries: Record<string, string>, transport: UdpTransport): Promise<Peers> {
  const byName = new Map<string, Address>()
  const byAddress = new Map<string, string>()
  const peers: Peers = {
    get: (name) => byName.get(name),
    nameOf: (address) => (byAddress.size === 0 ? undefined : byAddress.get(key(address))),
    set(name, address) {
      // A plugin's `ctx.peers.set` with a wrong argument fails here, not at each later send to the name.
      if (typeof name !== 'string') throw badContact('`name` to be a string', name)
      if (!isAddress(address)) throw badContact('`address` to be an address ({ host, port })', address)
      const old = byName.get(name)
      if (old) byAddress.delete(key(old))
      byName.set(name, address)
      byAddress.set(key(address), name)
    },
    entries: () => [...byName],
  }
  for (const [name, text] of Object.entries(entries)) {
    peers.set(name, await resolveTarget(text, peers, transport))
  }
  return peers
}

/**
 * A target as a user types it: a contact name, `HOST:PORT`, `[IPV6]:PORT` or a bare port.
 * @throws ChatError `E_TARGET` when it is none of those (or names port 0, or is an object that is no address),
 *   `E_RESOLVE` when the host is unknown.
 */
export async function resolveTarget(target: string | Address, peers: Peers, transport: UdpTransport): Promise<Address> {
  if (typeof target !== 'string') {
    if (isAddress(target)) return target
    // A library caller's mistake (`chat.send(text, {})`): said here, not as a TypeError in the engine.
    throw new ChatError(
      'E_TARGET',
      `Expected a contact name, HOST:PORT or an address ({ host, port }), got ${describeValue(target)}`,
    )
  }
  const named = peers.get(target)
  if (named) return named
  const hostPort = checkTarget(target, peers)!
  const resolved = await transport.lookup(hostPort.host === 'localhost' ? '127.0.0.1' : hostPort.host)
  return { host: resolved.host, port: hostPort.port, family: resolved.family }
}

/**
 * Checks a target without looking anything up: a known contact (undefined), or `HOST:PORT` (its
 * parts). A plugin that sends to a target from its options can check it in `setup`, so that a
 * misspelled contact stops the chat at the start rather than failing each send.
 * @throws ChatError `E_TARGET` when it is neither (or names port 0)
 */
export function checkTarget(
  target: string,
  peers: Pick<Peers, 'get' | 'entries'>,
): { host: string; port: number } | undefined {
  if (peers.get(target)) return undefined
  const hostPort = parseHostPort(target)
  if (!hostPort) {
    const known = peers.entries().map(([name]) => name)
    const hint = known.length ? `; contacts: ${known.join(', ')}` : ''
    throw new ChatError(
      'E_TARGET',
      `Unknown target \`${target}\`: expected a contact name or HOST:PORT${bracketHint(target)}${hint}`,
    )
  }
  if (hostPort.port === 0) throw badTargetPort(target)
  return hostPort
}

/** ` (an IPv6 address with a port is written [::1]:7788)` for `::1:7788`, else nothing. */
function bracketHint(target: string): string {
  const [, host, port] = /^([\da-f:.]+(?:%[\w.-]+)?):(\d{1,5})$/i.exec(target.trim()) ?? []
  return host !== undefined && host.split(':').length > 2
    ? ` (an IPv6 address with a port is written ${formatAddress({ host, port: Number(port) })})`
    : ''
}

function badContact(expected: string, got: unknown): ChatError {
  return new ChatError('E_TARGET', `peers.set(name, address): expected ${expected}, got ${describeValue(got)}`)
}

/** `alice (192.168.1.20:7788)` or just the address. */
export function describePeer(address: Address, peers: Peers): string {
  const name = peers.nameOf(address)
  return name ? `${name} (${formatAddress(address)})` : formatAddress(address)
}
