// The tutorial time server: `chat serve --config examples/time.config.ts`
// Ask it: `chat send 127.0.0.1:9997 '%H:%M'`, or `nc -u 127.0.0.1 9997` and type a pattern.
// Each datagram is a Python strftime pattern (`%Y-%m-%d %X` when empty); the answer is the
// server's local time in that format. An unknown directive comes back as written.
import { defineConfig } from '../core/index.ts'
import { codec, timeServer } from '../plugins/index.ts'

export default defineConfig({
  host: '127.0.0.1',
  port: 9997,
  plugins: [codec('utf-8'), timeServer({ defaultFormat: '%Y-%m-%d %X' })],
})
