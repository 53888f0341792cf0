import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { sendHost, unmapAddress, type Address, type IpVersion } from '../address.ts'
import type { BindOptions, RawSendCallback, RawSocket, UdpAdapter } from './types.ts'
import type { CodedError } from './_errors.ts'

/** The part of Bun's UDP API that udpchat uses. */
interface BunUdpSocket {
  readonly address: { address: string; port: number; family: string }
  /** `false` when the kernel buffer is full: nothing was sent; wait for `drain`. */
  send(data: Uint8Array, port: number, address: string): boolean
  setBroadcast(on: boolean): boolean
  close(): void
}
interface BunUdpHandlers {
  data(socket: BunUdpSocket, data: Uint8Array, port: number, address: string): void
  drain(socket: BunUdpSocket): void
  error(this: BunUdpSocket, error: CodedError): void
}
interface BunNet {
  udpSocket(options: {
    hostname: string
    port: number
    binaryType: 'uint8array'
    socket: BunUdpHandlers
  }): Promise<BunUdpSocket>
}

const QUEUED_ERRORS = new Set(['ECONNREFUSED', 'EMSGSIZE', 'EHOSTUNREACH', 'ENETUNREACH'])

/**
 * The primitives on Bun: its native `Bun.udpSocket`, which outruns Bun's `node:dgram` here, and
 * Bun's own `node:dns`, `node:os`, `node:net`.
 */
export function bunAdapter(): UdpAdapter {
  const bun = (globalThis as unknown as { Bun: BunNet }).Bun
  return {
    bind: (options) => bindBun(bun, options),
    async lookup(host) {
      const found = await dnsLookup(host)
      return { host: found.address, family: found.family === 6 ? 'IPv6' : 'IPv4' }
    },
    interfaces: () => Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)),
    isIP: (host) => isIP(host) as IpVersion,
  }
}

async function bindBun(bun: BunNet, options: BindOptions): Promise<RawSocket> {
  const waiting: [Uint8Array, Address, RawSendCallback][] = []
  const socket = await bun.udpSocket({
    hostname: options.host,
    port: options.port,
    binaryType: 'uint8array',
    socket: {
      data: (_socket, data, port, address) =>
        options.onDatagram(data, unmapAddress(address, port, address.includes(':') ? 'IPv6' : 'IPv4')),
      drain: () => flush(),
      error(error) {
        // Bun reads the socket's error queue: an ICMP report about an earlier datagram, or a send
        // failure its callback already reported. Node on Linux reports neither on an unconnected socket.
        if (QUEUED_ERRORS.has(error?.code ?? '')) return
        options.onError(error instanceof Error ? error : new Error(String(error)))
      },
    },
  })
  // As on Node: broadcast sends are let through (Bun's socket refuses them with EACCES otherwise).
  if (options.broadcast !== false) socket.setBroadcast(true)
  const bound = socket.address
  const local: Address = { host: bound.address, port: bound.port, family: bound.family === 'IPv6' ? 'IPv6' : 'IPv4' }

  /** Sends one datagram; `false` when the socket is full and it has to wait. */
  function attempt(data: Uint8Array, to: Address, done: RawSendCallback): boolean {
    const host = sendHost(to, local.family)
    let error: Error | undefined
    try {
      if (!socket.send(data, to.port, host)) return false
    } catch (thrown) {
      error = thrown as Error
    }
    // Bun sends at once; the outcome is told later, as Node's dgram does, so events keep their order.
    queueMicrotask(() => done(error))
    return true
  }

  function flush(): void {
    while (waiting.length) {
      const [data, to, done] = waiting[0]!
      if (!attempt(data, to, done)) return
      waiting.shift()
    }
  }

  return {
    local,
    send(data, to, done) {
      // Behind a full socket, keep the order: queue until `drain`.
      if (waiting.length || !attempt(data, to, done)) waiting.push([data, to, done])
    },
    close() {
      socket.close()
      for (const [, , done] of waiting.splice(0)) done(new Error('the socket closed before the datagram left'))
      return Promise.resolve()
    },
  }
}
