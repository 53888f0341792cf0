// The echo benchmark's server: the full pipeline (codec, a JSONL transcript, uppercaseEcho).
// The runner passes the transcript's path in BENCH_LOG and truncates it between repetitions.
import { defineConfig } from '../../core/index.ts'
import { codec, logger, uppercaseEcho } from '../../plugins/index.ts'

export default defineConfig({
  host: '127.0.0.1',
  port: 0,
  // One benchmark client sends far past the default per-source limits: they are lifted, and still checked per datagram.
  limits: { perSource: { rate: 1e9 }, answers: { rate: 1e9 } },
  plugins: [codec('utf-8'), logger({ file: process.env.BENCH_LOG ?? 'bench-echo.jsonl' }), uppercaseEcho()],
})
