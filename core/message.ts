import type { Address } from './address.ts'

/** One received datagram, decoded. */
export interface Message {
  /** The decoded text. */
  text: string
  /** Who sent it. */
  from: Address
  /** Where it was received (our socket). */
  to?: Address
  /** When it arrived, in milliseconds since the epoch. */
  at: number
  /** The raw datagram, as it came off the wire (after any wire hooks). */
  bytes: Uint8Array
  /** The encoding `text` was decoded with. */
  encoding: string
  /** True when some bytes did not decode and became U+FFFD. */
  malformed?: boolean
  /** Free annotations of plugins, e.g. `meta.peer`: the sender's contact name. */
  meta: Meta
}

/** Annotations on a message: the core sets `peer`; plugins add their own keys. */
export interface Meta {
  /** The contact name of the sender (inbound) or recipient (outbound), when it has one. */
  peer?: string | undefined
  [key: string]: unknown
}

/** A message on its way out, before it is encoded. */
export interface Outgoing {
  text: string
  to: Address
  /** Free annotations of plugins; `meta.peer` holds the recipient's contact name if it has one. */
  meta: Meta
}

/** What a decoder answers: the text and whether any bytes were undecodable. */
export interface Decoded {
  text: string
  encoding: string
  malformed?: boolean
}
