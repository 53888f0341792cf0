import { commonHelp, commonOptions, parseCommandArgs } from '../_args.ts'
import { createOutput } from '../_output.ts'
import { openChat, untilSignal } from '../_session.ts'
import { createReloader, watchConfig, watchHelp, watchOption } from '../_watch.ts'

export const help = `Usage: chat serve

Runs the config's plugins headless (an echo server, a bot, a relay...) until SIGINT or
SIGTERM, then disposes them in reverse order and exits. Messages are not printed unless
--json or --verbose asks; use the logger plugin for a transcript. With --watch, an edit
of the config (or of a local file it imports) swaps the plugins without a restart.

${watchHelp}
${commonHelp}`

const options = { ...commonOptions, ...watchOption } as const

export async function serve(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('serve', argv, options)
  if (values.help) return void console.log(help), 0
  const output = createOutput(values)
  void untilSignal(output) // before "listening" is printed
  const shown = { messages: values.verbose === true }
  const { chat } = await openChat(output, values, { onEvent: output.handler(shown), datagramEvents: output.datagramEvents(shown) })
  const watcher = values.watch ? watchConfig(output, values, createReloader(output, values, chat)) : undefined
  const signal = await untilSignal(output)
  output.logger.info(`${signal}: stopping`)
  watcher?.close()
  await chat.close()
  return 0
}
