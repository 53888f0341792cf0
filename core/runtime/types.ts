import type { Address, IpVersion } from '../address.ts'
import type { ChatError } from '../errors.ts'

/**
 * Called once per datagram; `data` is owned by the receiver and is not reused by the transport.
 * `at`: when it was read (ms since the epoch), where the transport reads the clock once for the
 * datagrams it read together; the receiver reads it otherwise. `true` back: its handling goes on
 * in a promise, and a transport that hands over several datagrams in one go lets promise work run
 * before the next one, so that messages keep their order (as one callback per datagram does).
 */
export type DatagramHandler = (data: Uint8Array, from: Address, at?: number) => unknown

export interface BindOptions {
  host: string
  port: number
  /** Every datagram arrives here. */
  onDatagram: DatagramHandler
  /** Errors that belong to no particular send (the socket failed, an ICMP error came back). */
  onError: (error: Error) => void
  /** SO_RCVBUF in bytes, where the runtime honours it. */
  recvBufferSize?: number
  /** SO_BROADCAST: sends to a broadcast address (255.255.255.255, a subnet's) are let through. @default true */
  broadcast?: boolean
  /** SO_REUSEADDR: other sockets may bind the same port (members of one multicast group on one machine). @default false */
  reuseAddr?: boolean
  /**
   * Lanes wanted (`openLane`), where the runtime can open them (Node on Linux, a socket on one
   * address): the socket is then bound with SO_REUSEADDR, so that lanes can share its port, after
   * checking that nothing else holds it. @default false
   */
  lanes?: boolean
}

/**
 * A peer's own queue: a socket on our address connected to that peer, so that the system queues
 * its datagrams apart from everyone else's (a flood that fills the shared queue does not drop
 * them). Its datagrams arrive through `onDatagram` as any other; sends still leave by the socket.
 */
export interface Lane {
  close(): void
}

/** Opens a lane to `peer`. */
export type OpenLane = (peer: Address) => Promise<Lane>

/** Multicast, where the runtime offers it; `iface` is an address of one of our interfaces. */
export interface MulticastControls {
  /** Joins `group` on the interface `iface` (the system's choice without it). */
  addMembership?(group: string, iface?: string): void | Promise<void>
  /** Leaves a group joined with `addMembership`. */
  dropMembership?(group: string, iface?: string): void | Promise<void>
  /** The interface our multicast datagrams leave from. */
  setMulticastInterface?(iface: string): void
  /** How many routers our multicast datagrams may cross (0: this machine only, 1: the local network). */
  setMulticastTTL?(ttl: number): void
  /** Whether our multicast datagrams come back to sockets of this machine (other group members here). */
  setMulticastLoopback?(on: boolean): void
}

/**
 * The outcome of one send as a runtime tells it: nothing (`undefined` or `null`) when the
 * datagram left, else the runtime's own error with its `code`. node:dgram gets this callback as
 * it is: one closure less per datagram.
 */
export type RawSendCallback = (error?: Error | null) => void

/** A socket as a runtime hands it over: no guard, its own errors. */
export interface RawSocket extends MulticastControls {
  readonly local: Address
  /** Sends one datagram; `done` always hears the outcome. */
  send(data: Uint8Array, to: Address, done: RawSendCallback): void
  /** Closes the socket and its lanes; datagrams already handed to `send` leave first where the runtime can. */
  close(): Promise<void>
  /** Where the runtime offers lanes and `lanes` was asked at bind. */
  openLane?: OpenLane
}

/**
 * What each runtime supplies (one file per runtime): the primitives only. Each may throw or
 * report its runtime's own errors; `createTransport` turns them into ChatErrors.
 */
export interface UdpAdapter {
  bind(options: BindOptions): Promise<RawSocket>
  /** Resolves a host name (never an IP address: those are answered before) to one address. */
  lookup(host: string): Promise<Pick<Address, 'host' | 'family'>>
  /** The addresses of this machine's interfaces. */
  interfaces(): string[]
  /** The runtime's own answer: 4, 6, or 0 when `host` is not an IP address. */
  isIP(host: string): IpVersion
}

/** The outcome of one send: nothing when the datagram left, else a one-line ChatError. */
export type SendCallback = (error?: ChatError) => void

/** A bound UDP socket. */
export interface UdpSocket extends MulticastControls {
  readonly local: Address
  /** Sends one datagram; `done` always hears the outcome. After `close`, it fails with `E_SEND`. */
  send(data: Uint8Array, to: Address, done: SendCallback): void
  close(): Promise<void>
  /** Where the runtime offers lanes and `lanes` was asked at bind. @throws ChatError `E_BIND` */
  openLane?: OpenLane
}

export type RuntimeKey = 'node' | 'deno' | 'bun'

/** What the chat uses: an adapter behind one guard, every failure a ChatError with a one-line message. */
export interface UdpTransport {
  /** The runtime the sockets come from; `memory` for the in-memory network of the test kit. */
  readonly runtime: RuntimeKey | 'memory'
  /** @throws ChatError `E_ADDR_IN_USE`, `E_BIND` or `E_RESOLVE` */
  bind(options: BindOptions): Promise<UdpSocket>
  /**
   * Resolves a host name to one address; IP addresses (as the runtime's `isIP` tells them)
   * come back unchanged. @throws ChatError `E_RESOLVE`
   */
  lookup(host: string): Promise<Pick<Address, 'host' | 'family'>>
  /** The addresses of this machine's interfaces, to recognise our own datagrams (after a bind). */
  localHosts(): string[]
}

/** Imports a TypeScript module (a config file) at run time. */
export interface ModuleLoader {
  /**
   * The module's namespace. With `fresh: true`, the file and the local files it imports are read
   * again; with a list of absolute paths, only those need to be (a reload after an edit: the
   * changed files and the modules that import them). A loader that cannot pick reads all again.
   */
  import(file: string, options?: { fresh?: boolean | readonly string[] }): Promise<Record<string, unknown>>
  /** Gets ready for fresh imports ahead of time (`--watch` calls it once), so the first reload is not slow. */
  warm?(): void
}
