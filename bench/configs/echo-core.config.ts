// Breakdown of the echo pipeline: the core alone, with uppercaseEcho as the only plugin.
import { defineConfig } from '../../core/index.ts'
import { uppercaseEcho } from '../../plugins/index.ts'

export default defineConfig({ host: '127.0.0.1', port: 0, plugins: [uppercaseEcho()] })
