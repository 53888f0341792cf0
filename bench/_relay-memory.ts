// The relay's membership memory: a chat with only the relay plugin, in this process so that
// the heap can be measured after a full GC (run with --expose-gc). Members join over real UDP
// from another process. stdin `measure` -> {"heapUsed":B,"members":N} on stdout.
import { createConsola } from 'consola'
import { createInterface } from 'node:readline'
import { createChat, resolveConfig } from '../core/index.ts'
import { relay } from '../plugins/index.ts'

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')

let members = 0
const logger = createConsola({
  level: 3,
  reporters: [
    { log: (entry) => void (members = Number(/\((\d+) members?\)/.exec(String(entry.args[0]))?.[1] ?? members)) },
  ],
})
const config = resolveConfig({
  host: '127.0.0.1',
  port: 0,
  recvBufferSize: 16 << 20,
  plugins: [relay({ maxMembers: 1_000_000, maxPerAddress: 1_000_000, timeout: 3600 })],
})
const chat = await createChat({ config, logger, onEvent: () => {} })
console.log(JSON.stringify({ event: 'listening', port: chat.local.port }))

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'measure') break
  await chat.idle()
  gc()
  gc()
  console.log(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, members }))
}
await chat.close()
process.exit(0)
