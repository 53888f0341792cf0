// The flood's baseline: a plain node:dgram server that upper-cases and answers datagrams from
// 127.0.0.1 (the legitimate client) and drops every other one at the cost of one comparison: a
// perfect per-source filter that costs nothing, with the chat's receive buffer (1 MiB) and its
// synchronous lookup of IP literals. What node:dgram alone loses to the flood, udpchat cannot win.
import dgram from 'node:dgram'
import { syncLookup } from './_sync-lookup.ts'

const socket = dgram.createSocket({
  type: 'udp4',
  recvBufferSize: 1 << 20,
  lookup: syncLookup as never,
})
socket.on('error', (error) => console.error(`raw flood server: ${error.message}`))
socket.on('message', (data, from) => {
  if (from.address === '127.0.0.1') socket.send(data.toString('latin1').toUpperCase(), from.port, from.address)
})
socket.bind(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'listening', port: socket.address().port })))
process.on('SIGTERM', () => socket.close(() => process.exit(0)))
