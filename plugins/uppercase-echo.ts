import { definePlugin } from '../core/index.ts'

/** The tutorial echo server: answers every message with its text in upper case. */
export function uppercaseEcho() {
  return definePlugin({
    name: 'uppercaseEcho',
    inbound(message, ctx) {
      ctx.reply(message, message.text.toUpperCase())
    },
  })
}
