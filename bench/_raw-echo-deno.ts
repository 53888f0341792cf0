// The Deno baseline for its own UDP API: a Deno.listenDatagram echo loop (needs --unstable-net).
interface Addr {
  transport: 'udp'
  hostname: string
  port: number
}
interface DatagramConn {
  readonly addr: Addr
  receive(buffer?: Uint8Array): Promise<[Uint8Array, Addr]>
  send(data: Uint8Array, to: Addr): Promise<number>
}
const Deno = (globalThis as unknown as { Deno: { listenDatagram(options: Addr): DatagramConn } }).Deno

const conn = Deno.listenDatagram({ transport: 'udp', hostname: '127.0.0.1', port: 0 })
console.log(JSON.stringify({ event: 'listening', port: conn.addr.port }))
const buffer = new Uint8Array(65_536)
for (;;) {
  const [data, from] = await conn.receive(buffer)
  await conn.send(data, from)
}
