// The baseline: a plain node:dgram echo server, nothing between receive and send.
// Runs unchanged on Node (through jiti), Deno and Bun; prints the bound port.
import dgram from 'node:dgram'
import { syncLookup } from './_sync-lookup.ts'

// Deno 2.9's node:dgram accepts recvBufferSize but then answers about 800 datagrams a second
// (measured here), so the Deno baseline keeps the default buffer.
const deno = (globalThis as { Deno?: unknown }).Deno !== undefined
// --sync-lookup: an IP literal answered at once instead of through dns.lookup.
const lookup = process.argv.includes('--sync-lookup') ? syncLookup : undefined
const socket = dgram.createSocket({
  type: 'udp4',
  recvBufferSize: deno ? undefined : 4 << 20,
  ...(lookup ? { lookup: lookup as never } : {}),
})
socket.on('error', (error) => console.error(`raw echo: ${error.message}`))
socket.on('message', (data, from) => socket.send(data, from.port, from.address))
socket.bind(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'listening', port: socket.address().port })))
process.on('SIGTERM', () => socket.close(() => process.exit(0)))
