// The flood benchmark's server: the echo pipeline (no transcript) with the default limits.
import { defineConfig } from '../../core/index.ts'
import { codec, uppercaseEcho } from '../../plugins/index.ts'

export default defineConfig({ host: '127.0.0.1', port: 0, plugins: [codec('utf-8'), uppercaseEcho()] })
