// The fan-out baseline: the relay's protocol with nothing else. A sender joins by sending
// anything, `^hb^` only keeps it a member, `quit` leaves; any other datagram becomes
// `HOST:PORT: text`, encoded once and sent to every member in a plain loop.
import dgram from 'node:dgram'

const members = new Map<string, { host: string; port: number }>()
const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 })
socket.on('error', (error) => console.error(`raw fan-out: ${error.message}`))
socket.on('message', (data, from) => {
  const key = `${from.address}:${from.port}`
  const text = data.toString('utf8').trim()
  if (text === 'quit') return void members.delete(key)
  // Re-inserted on activity, as the relay does, so the sender comes last.
  members.delete(key)
  members.set(key, { host: from.address, port: from.port })
  if (text === '^hb^') return
  const line = Buffer.from(`${key}: ${data.toString('utf8')}`)
  for (const to of members.values()) socket.send(line, to.port, to.host)
})
socket.bind(0, '127.0.0.1', () => console.log(JSON.stringify({ event: 'listening', port: socket.address().port })))
process.on('SIGTERM', () => socket.close(() => process.exit(0)))
