// The config `npm start` runs. Copy it, change it, point `chat --config` at your copy.
// Everything here is optional; `chat` runs without a config too (utf-8 on 0.0.0.0:7788).
import { defineConfig } from './core/index.ts' // in your own project: from 'udpchat'
import { codec, logger } from './plugins/index.ts' // in your own project: from 'udpchat/plugins'
// import { autoReply, uppercaseEcho } from './plugins/index.ts'

export default defineConfig({
  // Where to listen. 0.0.0.0 reaches the LAN; 127.0.0.1 keeps it on this machine; `::` for IPv6.
  host: '0.0.0.0',
  port: 7788, // `--port 0` on the command line picks any free port

  // Contacts: `/to alice`, `chat send alice hi`, and incoming messages labelled by name.
  peers: {
    me: '127.0.0.1:7788',
    // alice: '192.168.1.20:7788',
  },

  plugins: [
    // Text on the wire: 'utf-8' (default), 'gbk', 'gb18030', 'big5', 'shift_jis', 'latin1'...
    // `--encoding gbk` on the command line overrides it.
    codec('utf-8'),

    // A JSONL transcript of everything received and sent (flushed on exit).
    logger({ file: 'chat.jsonl' }),

    // Answer every message in upper case (the tutorial echo server):
    // uppercaseEcho(),

    // A bot: first matching rule answers; `$1` expands from the RegExp.
    // autoReply({ rules: [[/^ping$/i, 'pong'], [/^my name is (\w+)/i, 'hello, $1!']] }),
  ],
})
