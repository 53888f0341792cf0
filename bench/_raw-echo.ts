// The baseline: a plain node:dgram echo server, nothing between receive and send.
// Runs unchanged on Node (through jiti), Deno and Bun; prints the bound port.
import dgram from 'node:dgram'

const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 })
socket.on('error', (error) => console.error(`raw echo: ${error.message}`))
socket.on('message', (data, from) => socket.send(data, from.port, from.address))
socket.bind(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'listening', port: socket.address().port })))
process.on('SIGTERM', () => socket.close(() => process.exit(0)))
