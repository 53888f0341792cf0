// Breakdown of the echo pipeline: the core alone, with uppercaseEcho as the only plugin.
import { defineConfig } from '../../core/index.ts'
import { uppercaseEcho } from '../../plugins/index.ts'

// One benchmark client sends far past the default per-source limits: they are lifted, and still checked per datagram.
export default defineConfig({
  host: '127.0.0.1',
  port: 0,
  limits: { perSource: { rate: 1e9 }, answers: { rate: 1e9 } },
  plugins: [uppercaseEcho()],
})
