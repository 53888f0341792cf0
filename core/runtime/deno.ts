import { isIP } from 'node:net'
import { sendHost, unmapAddress, type Address, type IpVersion } from '../address.ts'
import type { BindOptions, RawSocket, UdpAdapter } from './types.ts'
import type { CodedError } from './_errors.ts'

/** The part of Deno's unstable UDP API that udpchat uses (`--unstable-net`). */
interface DenoNetAddr {
  transport: 'udp'
  hostname: string
  port: number
}
interface DenoDatagramConn {
  readonly addr: DenoNetAddr
  receive(buffer?: Uint8Array): Promise<[Uint8Array, DenoNetAddr]>
  send(data: Uint8Array, to: DenoNetAddr): Promise<number>
  close(): void
}
interface DenoNet {
  listenDatagram?(options: DenoNetAddr): DenoDatagramConn
  networkInterfaces(): Array<{ address: string }>
}

const RECEIVE_BUFFER = 65_536

/**
 * The primitives on Deno: `Deno.listenDatagram` when the runtime offers it (`--unstable-net`,
 * about twice the rate of Deno's `node:dgram`), else `node:dgram` through Deno's Node layer,
 * loaded only then.
 */
export function denoAdapter(): UdpAdapter {
  const deno = (globalThis as unknown as { Deno: DenoNet }).Deno
  const listen = deno.listenDatagram
  return {
    bind:
      typeof listen === 'function'
        ? (options) => bindDeno(listen.bind(deno), options)
        : // Deno's node:dgram does not apply recvBufferSize, and answers some 40 times slower when it is given.
          async (options) => (await import('./node.ts')).bindNode({ ...options, recvBufferSize: undefined }),
    async lookup(host) {
      // Deno.resolveDns asks a DNS server only: getaddrinfo (through Deno's node:dns) reads /etc/hosts too.
      const found = await (await import('node:dns/promises')).lookup(host)
      return { host: found.address, family: found.family === 6 ? 'IPv6' : 'IPv4' }
    },
    interfaces: () => deno.networkInterfaces().map((i) => i.address),
    isIP: (host) => isIP(host) as IpVersion,
  }
}

async function bindDeno(listen: NonNullable<DenoNet['listenDatagram']>, options: BindOptions): Promise<RawSocket> {
  const conn = listen({ transport: 'udp', hostname: options.host, port: options.port })
  const family = isIP(conn.addr.hostname) === 6 ? 'IPv6' : 'IPv4'
  const local: Address = { host: conn.addr.hostname, port: conn.addr.port, family }
  let closed = false
  void receiveLoop(conn, options, () => closed)

  return {
    local,
    send(data, to, done) {
      const hostname = sendHost(to, family)
      conn.send(data, { transport: 'udp', hostname, port: to.port }).then(() => done(), done)
    },
    close() {
      closed = true
      conn.close()
      return Promise.resolve()
    },
  }
}

/** One receive at a time into one buffer; each datagram is copied out, so the handler owns its bytes. */
async function receiveLoop(conn: DenoDatagramConn, options: BindOptions, isClosed: () => boolean): Promise<void> {
  const buffer = new Uint8Array(RECEIVE_BUFFER)
  while (!isClosed()) {
    let view: Uint8Array
    let from: DenoNetAddr
    try {
      ;[view, from] = await conn.receive(buffer)
    } catch (error) {
      if (isClosed()) return
      const coded = error as CodedError
      options.onError(coded)
      // An OS error (an ICMP report on Windows) concerns one datagram; anything else ends the socket.
      if (coded.code === undefined) return
      continue
    }
    options.onDatagram(
      view.slice(),
      unmapAddress(from.hostname, from.port, isIP(from.hostname) === 6 ? 'IPv6' : 'IPv4'),
    )
  }
}
