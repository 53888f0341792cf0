/** An IPv4 or IPv6 socket address. */
export interface Address {
  host: string
  port: number
  family: 'IPv4' | 'IPv6'
}

/** Called once per datagram; `data` is owned by the receiver and is not reused by the transport. */
export type DatagramHandler = (data: Uint8Array, from: Address) => void

/**
 * The outcome of one send: nothing (`undefined` or `null`) when the datagram left; else the
 * runtime's own error with its `code`, which the chat turns into a ChatError (one mapper for
 * every runtime, `sendError`), or a ChatError the adapter made itself. node:dgram gets this
 * callback as it is: one closure less per datagram.
 */
export type SendCallback = (error?: Error | null) => void

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
}

/** A bound UDP socket. */
export interface UdpSocket {
  readonly local: Address
  /** Sends one datagram; `done` always hears the outcome. */
  send(data: Uint8Array, to: Address, done: SendCallback): void
  close(): Promise<void>
  // Multicast, where the runtime offers it (see core/runtime/group.ts); `iface` is an address of one of our interfaces.
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

/** What a runtime must provide: the only code in udpchat that touches sockets or name lookup. */
export interface UdpTransport {
  readonly runtime: RuntimeKey
  bind(options: BindOptions): Promise<UdpSocket>
  /** Resolves a host name to one address; IP literals come back unchanged. */
  lookup(host: string): Promise<Pick<Address, 'host' | 'family'>>
  /** The addresses of this machine's interfaces, to recognise our own datagrams. */
  localHosts(): string[]
}

export type RuntimeKey = 'node' | 'deno' | 'bun'

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
