import { createInterface } from 'node:readline'
import { ChatError, describeError, formatAddress, isChatError } from '../../core/index.ts'
import { commonHelp, commonOptions, parseCommandArgs } from '../_args.ts'
import { createOutput } from '../_output.ts'
import { openChat } from '../_session.ts'

export const help = `Usage: chat send TARGET TEXT...
       chat send TARGET -          (one datagram per line of stdin)

Sends one datagram to TARGET (a contact name from the config, HOST:PORT, or a bare PORT
on 127.0.0.1) and exits. The socket binds port 0 unless --port says otherwise.

${commonHelp}`

export async function send(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('send', argv, commonOptions)
  if (values.help) return void console.log(help), 0
  const [target, ...words] = positionals
  if (target === undefined) throw new ChatError('E_USAGE', 'Missing TARGET: chat send TARGET TEXT... (see chat send --help)')
  if (words.length === 0) throw new ChatError('E_USAGE', 'Missing TEXT: chat send TARGET TEXT..., or `-` to read lines from stdin')
  const output = createOutput(values)
  const print = output.handler()
  const { chat } = await openChat(output, values, {
    port: 0,
    announce: false,
    onEvent(event) {
      print(event)
      if (event.type === 'sent' && !event.plugin && !values.json) output.logger.info(`sent ${event.bytes} bytes to ${event.peer ?? formatAddress(event.to)}`)
    },
  })
  let failed = 0
  try {
    const to = await chat.resolve(target)
    const say = async (text: string) => {
      try {
        await chat.send(text, to)
      } catch (error) {
        failed++
        output.event('error', { code: isChatError(error) ? error.code : 'E_SEND', message: describeError(error) })
        output.logger.error(describeError(error))
      }
    }
    if (words.length === 1 && words[0] === '-') {
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) await say(line)
    } else {
      await say(words.join(' '))
    }
  } finally {
    await chat.close()
  }
  return failed ? 1 : 0
}
