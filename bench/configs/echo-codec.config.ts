// Breakdown of the echo pipeline: the core, the utf-8 codec and uppercaseEcho (no transcript).
import { defineConfig } from '../../core/index.ts'
import { codec, uppercaseEcho } from '../../plugins/index.ts'

// One benchmark client sends far past the default per-source limits: they are lifted, and still checked per datagram.
export default defineConfig({
  host: '127.0.0.1',
  port: 0,
  limits: { perSource: { rate: 1e9 }, answers: { rate: 1e9 } },
  plugins: [codec('utf-8'), uppercaseEcho()],
})
