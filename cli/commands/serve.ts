import { writeLine, type Cli } from '../_io.ts'
import { defineCommand, formatHelp, parseFlags, refuseArguments, sessionFlags, watchFlag } from '../_args.ts'
import { createOutput } from '../_output.ts'
import { startSession } from '../_session.ts'

export const spec = defineCommand({
  name: 'serve',
  usage: ['serve'],
  summary: "run the config's plugins headless until SIGINT/SIGTERM",
  about: `Runs the config's plugins headless (an echo server, a bot, a relay...) until SIGINT or
SIGTERM, then disposes them in reverse order and exits. Messages are not printed unless
--json or --verbose asks; use the logger plugin for a transcript. With --watch, an edit
of the config (or of a local file it imports) swaps the plugins without a restart.`,
  flags: {
    ...watchFlag,
    ...sessionFlags,
    hex: {
      help:
        'with --verbose (serve shows no messages without it): each datagram as a hex dump;\n' +
        "--json carries each datagram's bytes in hex with or without it",
    },
  },
})

export async function serve(argv: string[], cli: Cli): Promise<number> {
  const { values, positionals } = parseFlags(spec, argv)
  if (values.help) return (void writeLine(cli.io.stdout, formatHelp(spec)), 0)
  refuseArguments(spec, positionals)
  const output = createOutput(values, cli)
  const shown = { messages: values.verbose === true }
  const session = await startSession(output, values, {
    onEvent: output.handler(shown),
    datagramEvents: output.datagramEvents(shown),
  })
  output.logger.info(`${await session.signal}: stopping`)
  await session.close()
  return 0
}
