import { Buffer } from 'node:buffer'
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto'

/**
 * A signed datagram: `US` 0x01 (magic and version), the key id's length (1 byte) and the key id
 * (ASCII), the sequence number (8 bytes, big-endian), the payload, then HMAC-SHA256 over all
 * that came before it (32 bytes).
 */
const MAGIC = [0x55, 0x53, 0x01] as const
const MAC = 32
const SEQ = 8
/** The bytes a signature adds to a payload, besides the key id. */
export const OVERHEAD = MAGIC.length + 1 + SEQ + MAC

export interface Unsealed {
  id: string
  seq: number
  payload: Uint8Array
  /** Checks the MAC under `secret` (in constant time). */
  verify(secret: Uint8Array | KeyObject): boolean
}

/** Signs `payload` as key `id` with sequence number `seq`. */
export function seal(payload: Uint8Array, id: string, secret: Uint8Array | KeyObject, seq: number): Uint8Array {
  const head = MAGIC.length + 1 + id.length
  const out = new Uint8Array(head + SEQ + payload.length + MAC)
  out.set(MAGIC)
  out[MAGIC.length] = id.length
  for (let i = 0; i < id.length; i++) out[MAGIC.length + 1 + i] = id.charCodeAt(i)
  const view = new DataView(out.buffer)
  view.setUint32(head, Math.floor(seq / 2 ** 32))
  view.setUint32(head + 4, seq >>> 0)
  out.set(payload, head + SEQ)
  const signed = out.subarray(0, out.length - MAC)
  out.set(createHmac('sha256', secret).update(signed).digest(), signed.length)
  return out
}

/** The parts of a datagram that looks signed, or `undefined` (its MAC is not checked yet). */
export function unseal(bytes: Uint8Array): Unsealed | undefined {
  if (bytes.length < OVERHEAD + 1 || bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2])
    return undefined
  const length = bytes[MAGIC.length]!
  const head = MAGIC.length + 1 + length
  if (length === 0 || bytes.length < head + SEQ + MAC) return undefined
  const id = String.fromCharCode(...bytes.subarray(MAGIC.length + 1, head))
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const seq = view.getUint32(head) * 2 ** 32 + view.getUint32(head + 4)
  const end = bytes.length - MAC
  return {
    id,
    seq,
    payload: bytes.subarray(head + SEQ, end),
    verify(secret) {
      const mac = createHmac('sha256', secret).update(bytes.subarray(0, end)).digest()
      return timingSafeEqual(mac, Buffer.from(bytes.buffer, bytes.byteOffset + end, MAC))
    },
  }
}
