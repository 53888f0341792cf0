// The tutorial's uppercase echo server: `chat serve --config examples/echo.config.ts`
// Try it: `chat send 127.0.0.1:9999 hello` from another terminal, or `nc -u 127.0.0.1 9999`.
import { defineConfig } from '../core/index.ts'
import { codec, logger, uppercaseEcho } from '../plugins/index.ts'

export default defineConfig({
  host: '127.0.0.1',
  port: 9999,
  plugins: [codec('utf-8'), logger({ console: true }), uppercaseEcho()],
})
