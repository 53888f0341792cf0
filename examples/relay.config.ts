// The tutorial group-chat server: `chat serve --config examples/relay.config.ts`
// Join it with `chat join 127.0.0.1:9996` (one terminal per member), netcat or a Python script:
// a member joins by sending anything, `^hb^` keeps it in, `quit` leaves; every other datagram is
// sent to every member as `HOST:PORT: text` (or `name: text` for a contact in `peers`).
import { defineConfig } from '../core/index.ts'
import { codec, logger, relay } from '../plugins/index.ts'

export default defineConfig({
  host: '127.0.0.1', // 0.0.0.0 to open the room to the LAN
  port: 9996,
  peers: {
    // Members listed here are shown by name: `alice: hi` instead of `192.168.1.20:7788: hi`.
    // alice: '192.168.1.20:7788',
  },
  plugins: [
    codec('utf-8'),
    // Before the relay, so the transcript has heartbeats and `quit` too.
    // logger({ file: 'relay.jsonl' }),
    relay({
      timeout: 60, // seconds of silence before a member is dropped
      format: '{from}: {text}',
      maxMembers: 100,
    }),
  ],
})
