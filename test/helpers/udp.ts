import dgram from 'node:dgram'

export interface Received {
  data: Buffer
  from: { address: string; port: number }
}

/** A plain `node:dgram` socket on 127.0.0.1:0, the way a tutorial script would use one. */
export interface PlainSocket {
  readonly port: number
  send(data: string | Uint8Array, port: number, host?: string): Promise<void>
  /** The next datagram (queued ones first); rejects after `timeout` ms. */
  next(timeout?: number): Promise<Received>
  close(): Promise<void>
}

export async function plainSocket(port = 0): Promise<PlainSocket> {
  const socket = dgram.createSocket('udp4')
  const queue: Received[] = []
  const waiting: Array<(r: Received) => void> = []
  socket.on('message', (data, rinfo) => {
    const received = { data, from: { address: rinfo.address, port: rinfo.port } }
    const wake = waiting.shift()
    if (wake) wake(received)
    else queue.push(received)
  })
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve))
  return {
    port: socket.address().port,
    send: (data, port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => socket.send(data, port, host, (error) => (error ? reject(error) : resolve()))),
    next(timeout = 5000) {
      const queued = queue.shift()
      if (queued) return Promise.resolve(queued)
      // Made here, so that a time-out names the line of the test that waited.
      const error = new Error(`no datagram within ${timeout} ms`)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(onMessage), 1)
          reject(error)
        }, timeout)
        const onMessage = (r: Received) => {
          clearTimeout(timer)
          resolve(r)
        }
        waiting.push(onMessage)
      })
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  }
}

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const probe = await plainSocket()
  await probe.close()
  return probe.port
}

/**
 * A multicast group of its own (239.255.x.y) on a free port, so that tests running at once (on
 * several runtimes too) do not hear each other's rooms.
 */
export async function freshGroup(): Promise<string> {
  const port = await freePort()
  const n = () => 1 + Math.floor(Math.random() * 254)
  return `239.255.${n()}.${n()}:${port}`
}
