import { ipFamily, sendHost, unmapAddress } from '../address.ts'
import { ChatError } from '../errors.ts'
import type { Address, BindOptions, UdpSocket, UdpTransport } from './types.ts'
import { bindError, type CodedError } from './_errors.ts'
import { nodeTransport } from './node.ts'

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
}

const RECEIVE_BUFFER = 65_536

/**
 * The transport on Deno: `Deno.listenDatagram` when the runtime offers it (`--unstable-net`,
 * about twice the rate of Deno's `node:dgram`), else `node:dgram` through Deno's Node layer.
 */
export function denoTransport(): UdpTransport {
  const deno = (globalThis as unknown as { Deno: DenoNet }).Deno
  const listen = deno.listenDatagram
  if (typeof listen !== 'function') {
    // Deno's node:dgram does not apply recvBufferSize, and answers some 40 times slower when it is given.
    return { ...nodeTransport, runtime: 'deno', bind: (options) => nodeTransport.bind({ ...options, recvBufferSize: undefined }) }
  }
  return { ...nodeTransport, runtime: 'deno', bind: (options) => bindDeno(listen.bind(deno), options) }
}

async function bindDeno(listen: NonNullable<DenoNet['listenDatagram']>, options: BindOptions): Promise<UdpSocket> {
  let conn: DenoDatagramConn
  try {
    conn = listen({ transport: 'udp', hostname: options.host, port: options.port })
  } catch (error) {
    throw bindError(error as CodedError, options)
  }
  const family = ipFamily(conn.addr.hostname) ?? 'IPv4'
  const local: Address = { host: conn.addr.hostname, port: conn.addr.port, family }
  let closed = false
  void receiveLoop(conn, options, () => closed)

  return {
    local,
    send(data, to, done) {
      if (closed) return done(new ChatError('E_SEND', 'The socket is closed'))
      const hostname = sendHost(to, family)
      // A failure goes to the chat as Deno reports it; the chat turns it into a ChatError.
      conn.send(data, { transport: 'udp', hostname, port: to.port }).then(() => done(), done)
    },
    close() {
      if (!closed) {
        closed = true
        conn.close()
      }
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
    options.onDatagram(view.slice(), unmapAddress(from.hostname, from.port, ipFamily(from.hostname) ?? 'IPv4'))
  }
}
