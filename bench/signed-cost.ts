// What signing and checking cost per datagram, next to one raw HMAC-SHA256 of the same bytes
// in the same run (the ratio is what to read on a busy machine): `npx jiti bench/signed-cost.ts`.
import { createHmac, createSecretKey } from 'node:crypto'
import { seal, unseal } from '../plugins/_signature.ts'
import { ReplayWindow } from '../plugins/_replay-window.ts'
import { createCookies } from '../plugins/_cookie.ts'
const raw = new TextEncoder().encode('a test secret of 32 characters!!')
// As signed() holds its keys: a key object made once.
const secret = createSecretKey(raw)
const payload = new TextEncoder().encode('127.0.0.1:50112: hello, this is a chat line of 64 bytes or so..')
const N = 200_000
let seq = Date.now() * 1024
const sealed: Uint8Array[] = []
for (let r = 0; r < 3; r++) {
  let t = performance.now()
  const whole = seal(payload, 'alice', secret, 1)
  for (let i = 0; i < N; i++) createHmac('sha256', raw).update(whole).digest()
  const rawUs = ((performance.now() - t) * 1000) / N
  t = performance.now()
  for (let i = 0; i < N; i++) sealed[i] = seal(payload, 'alice', secret, seq++)
  const sealUs = ((performance.now() - t) * 1000) / N
  const w = new ReplayWindow()
  t = performance.now()
  let ok = 0
  for (let i = 0; i < N; i++) {
    const p = unseal(sealed[i]!)!
    if (w.check(p.seq) && p.verify(secret)) {
      w.update(p.seq)
      ok++
    }
  }
  const openUs = ((performance.now() - t) * 1000) / N
  t = performance.now()
  let rej = 0
  for (let i = 0; i < N; i++) {
    const p = unseal(sealed[i]!)!
    if (!w.check(p.seq)) rej++
  }
  const replayUs = ((performance.now() - t) * 1000) / N
  const c = createCookies()
  const from = { host: '127.0.0.1', port: 50112 }
  t = performance.now()
  for (let i = 0; i < N; i++) c.check('AAAAAAAAAAAAAAAAAAAAAA', from, Date.now())
  const cookieUs = ((performance.now() - t) * 1000) / N
  console.log(
    JSON.stringify({
      run: r,
      rawHmacUs: +rawUs.toFixed(2),
      sealUs: +sealUs.toFixed(2),
      verifyUs: +openUs.toFixed(2),
      ok,
      replayRejectUs: +replayUs.toFixed(3),
      rej,
      badCookieUs: +cookieUs.toFixed(2),
    }),
  )
}
