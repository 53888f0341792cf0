// Breakdown of the echo pipeline: the core, the utf-8 codec and uppercaseEcho (no transcript).
import { defineConfig } from '../../core/index.ts'
import { codec, uppercaseEcho } from '../../plugins/index.ts'

export default defineConfig({ host: '127.0.0.1', port: 0, plugins: [codec('utf-8'), uppercaseEcho()] })
