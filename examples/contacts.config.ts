// A contact list ("QQ" style): `chat --config examples/contacts.config.ts`
// Names stand for addresses everywhere: `/to time`, `/peers`, `chat send bot ping`,
// `chat join room --config examples/contacts.config.ts`; and a message from a contact is shown
// by name (`12:00:01 echo: HELLO`, `"peer":"echo"` with --json).
// The contacts below are the other examples, each started with `chat serve --config examples/NAME.config.ts`.
import { defineConfig } from '../core/index.ts'
import { codec } from '../plugins/index.ts'

export default defineConfig({
  host: '127.0.0.1', // 0.0.0.0 to chat with the LAN
  port: 7788,
  to: 'echo', // whom typed lines go to until `/to NAME`
  peers: {
    echo: '127.0.0.1:9999', // examples/echo.config.ts: answers in upper case
    bot: '127.0.0.1:9998', // examples/bot.config.ts: try `ping`, `time?`, `add 2 3`
    time: '127.0.0.1:9997', // examples/time.config.ts: send a strftime pattern such as %H:%M
    room: '127.0.0.1:9996', // examples/relay.config.ts: `chat join room` to be a member
    // alice: '192.168.1.20:7788',
  },
  plugins: [codec('utf-8')],
})
