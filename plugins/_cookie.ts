import { Buffer } from 'node:buffer'
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Address } from '../core/index.ts'

/** The prefix of the datagram that carries a cookie to a new sender of a `proven` room. */
export const COOKIE_NOTICE = '^cookie^ '
/** A cookie is 22 base64url characters (132 bits of an HMAC-SHA256). */
export const COOKIE = /^[A-Za-z0-9_-]{22}$/
/** A cookie is good for one to two windows of this length. */
const WINDOW_MS = 30_000

/**
 * Stateless cookies (as DTLS's HelloVerifyRequest and WireGuard's cookie reply): an HMAC of the
 * address and a time window under a secret of this process, so a relay remembers nothing about a
 * sender until it has echoed one, which proves it receives what is sent to its address.
 */
export function createCookies(secret: Uint8Array = randomBytes(32)) {
  const key = createSecretKey(secret)
  const mint = (to: Pick<Address, 'host' | 'port'>, window: number) =>
    createHmac('sha256', key).update(`${to.host}\n${to.port}\n${window}`).digest('base64url').slice(0, 22)
  return {
    /** The cookie for `to` now. */
    issue: (to: Pick<Address, 'host' | 'port'>, now: number) => mint(to, Math.floor(now / WINDOW_MS)),
    /** True if `cookie` was issued to `from` in this window or the one before. */
    check(cookie: string, from: Pick<Address, 'host' | 'port'>, now: number): boolean {
      if (!COOKIE.test(cookie)) return false
      const window = Math.floor(now / WINDOW_MS)
      return sameText(cookie, mint(from, window)) || sameText(cookie, mint(from, window - 1))
    },
  }
}

export type Cookies = ReturnType<typeof createCookies>

/** Compares in constant time (for texts of equal length; the length of a cookie is no secret). */
export function sameText(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
}
