import { commonHelp, commonOptions, parseCommandArgs, parseCount } from '../_args.ts'
import { createOutput } from '../_output.ts'
import { openChat, untilSignal } from '../_session.ts'

export const help = `Usage: chat listen [--once] [--count N]

Prints every datagram that arrives, decoded, until Ctrl-C (or N of them).
The config's plugins run as usual (a bot in the config still answers).

  --once                exit after the first message
  --count N             exit after N messages
${commonHelp}`

const options = { ...commonOptions, once: { type: 'boolean' }, count: { type: 'string', short: 'n' } } as const

export async function listen(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('listen', argv, options)
  if (values.help) return void console.log(help), 0
  const limit = values.once ? 1 : parseCount(values.count, '--count')
  const output = createOutput(values)
  const print = output.handler()
  let seen = 0
  let enough: () => void = () => {}
  const done = new Promise<void>((resolve) => (enough = resolve))
  void untilSignal(output) // before "listening" is printed
  const { chat } = await openChat(output, values, {
    onEvent(event) {
      print(event)
      if (event.type === 'message' && limit !== undefined && ++seen >= limit) enough()
    },
  })
  await Promise.race([done, untilSignal(output)])
  await chat.close()
  return 0
}
