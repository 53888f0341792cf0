// An auto-reply bot: `chat serve --config examples/bot.config.ts`
// Then: `chat send 127.0.0.1:9998 ping` or chat with it: `chat --port 0 --to 127.0.0.1:9998`
import { defineConfig } from '../core/index.ts'
import { autoReply, codec } from '../plugins/index.ts'

export default defineConfig({
  host: '127.0.0.1',
  port: 9998,
  plugins: [
    codec('utf-8'),
    autoReply({
      rules: [
        ['ping', 'pong'],
        [/^(hi|hello)\b/i, 'hello there!'],
        [/^my name is (\w+)/i, 'nice to meet you, $1'],
        [/^time\??$/i, () => new Date().toLocaleTimeString()],
        [/^add (-?\d+) (-?\d+)$/, (_message, match) => String(Number(match![1]) + Number(match![2]))],
      ],
    }),
  ],
})
