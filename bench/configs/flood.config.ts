// The flood benchmark's server: the echo pipeline (no transcript) with the default limits, and
// lanes for 32 peers (BENCH_LANES=0: none, the default). BENCH_RCVBUF, if set, asks for another
// socket receive buffer (bytes) than the default 1 MiB.
import { defineConfig } from '../../core/index.ts'
import { codec, uppercaseEcho } from '../../plugins/index.ts'

const asked = Number(process.env.BENCH_RCVBUF)

export default defineConfig({
  host: '127.0.0.1',
  port: 0,
  ...(asked > 0 ? { recvBufferSize: asked } : {}),
  limits: { lanes: Number(process.env.BENCH_LANES ?? 32) },
  plugins: [codec('utf-8'), uppercaseEcho()],
})
