// A relay for a network you do not trust: `chat serve --config examples/proven-room.config.ts`
// A sender becomes a member only after echoing a cookie sent to its address, and every datagram
// of a member carries it, so nobody can forge a member's line, its `quit`, or a member that never
// asked. `chat join 127.0.0.1:9995` does the exchange by itself; a plain socket can do it by hand
// (send anything, get `^cookie^ COOKIE`, then send `COOKIE ^hb^`, `COOKIE hello`, `COOKIE quit`).
import { defineConfig } from '../core/index.ts'
import { codec, relay } from '../plugins/index.ts'

export default defineConfig({
  host: '127.0.0.1', // 0.0.0.0 to open the room to the LAN: this mode is meant for that
  port: 9995,
  plugins: [
    codec('utf-8'),
    relay({
      members: 'proven',
      timeout: 60,
      maxMembers: 100,
      maxPerAddress: 16, // members behind one IP address (one NAT, one IPv6 /64)
      maxLine: 1024, // characters, the sender's label included; longer lines are dropped
    }),
  ],
})
