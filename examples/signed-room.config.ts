// A signed room: every datagram is signed with its sender's key, and anything unsigned, tampered
// or replayed is dropped. Make one secret per sender (`openssl rand -base64 32`) and share them
// with the room, out of band; then, with RELAY_KEY, ALICE_KEY and BOB_KEY set in each shell:
//   chat serve --config examples/signed-room.config.ts                          (the relay)
//   ROOM_AS=alice chat join 127.0.0.1:9994 --config examples/signed-room.config.ts
//   ROOM_AS=bob chat join 127.0.0.1:9994 --config examples/signed-room.config.ts
// Lines read `alice: hi`: the name comes from the key that signed them, not from an address.
import { defineConfig } from '../core/index.ts'
import { codec, relay, signed } from '../plugins/index.ts'

const env = process.env
const as = env.ROOM_AS ?? 'relay'

export default defineConfig({
  host: '127.0.0.1',
  // The relay's port; a member (chat join) takes any free one.
  port: as === 'relay' ? 9994 : 0,
  plugins: [
    codec('utf-8'),
    signed({
      keys: { relay: env.RELAY_KEY!, alice: env.ALICE_KEY!, bob: env.BOB_KEY! },
      as,
    }),
    as === 'relay' && relay({ format: '{from}: {text}' }),
  ],
})
