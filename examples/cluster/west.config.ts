// One of three relays that share one room through NATS (see "Rooms across machines" in the README):
//   nats-server -a 127.0.0.1 -p 4222 &
//   chat serve --config examples/cluster/west.config.ts
// then `chat join 127.0.0.1:9102`. A line said at any relay reaches the members of all three.
import { defineConfig } from '../../core/index.ts'
import { codec, natsBridge, relay } from '../../plugins/index.ts'

// The bridge needs the relay whose room it shares: keep the plugin in a constant.
const room = relay({ timeout: 60, format: '{from}: {text}' })

export default defineConfig({
  host: '127.0.0.1', // 0.0.0.0 to open the room to the LAN
  port: 9102,
  plugins: [
    codec('utf-8'),
    room,
    natsBridge({
      relay: room,
      servers: process.env.NATS_URL ?? '127.0.0.1:4222', // a list for a NATS cluster
      subject: 'udpchat.room.lobby', // relays on the same subject share the room
      name: 'west', // lines from here show as `127.0.0.1:5000@west: hi` on the other relays
      // nats: { user: 'relay', pass: process.env.NATS_PASS, tls: { caFile: 'ca.pem' } },
    }),
  ],
})
