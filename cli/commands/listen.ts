import { writeLine, type Cli } from '../_io.ts'
import {
  defineCommand,
  groupFlags,
  formatHelp,
  parseCount,
  parseFlags,
  refuseArguments,
  sessionFlags,
} from '../_args.ts'
import { ChatError } from '../_core.ts'
import { createOutput } from '../_output.ts'
import { startSession } from '../_session.ts'

export const spec = defineCommand({
  name: 'listen',
  usage: ['listen [--once | --count N]'],
  summary: 'print what arrives',
  about: `Prints every datagram that arrives, decoded, until Ctrl-C (or N of them).
The config's plugins run as usual (a bot in the config still answers).`,
  flags: {
    once: { help: 'exit after the first message (the same as --count 1; not with --count)' },
    count: { short: 'n', value: 'N', help: 'exit after N messages', parse: parseCount },
    ...groupFlags,
    ...sessionFlags,
  },
})

export async function listen(argv: string[], cli: Cli): Promise<number> {
  const { values, positionals } = parseFlags(spec, argv)
  if (values.help) return (void writeLine(cli.io.stdout, formatHelp(spec)), 0)
  refuseArguments(spec, positionals)
  if (values.once && values.count !== undefined)
    throw new ChatError('E_USAGE', '--once means --count 1: give one or the other, not both')
  const limit = values.once ? 1 : values.count
  const output = createOutput(values, cli)
  const print = output.handler()
  let seen = 0
  let enough: () => void = () => {}
  const done = new Promise<void>((resolve) => (enough = resolve))
  const session = await startSession(output, values, {
    onEvent(event) {
      print(event)
      if (event.type === 'message' && limit !== undefined && ++seen >= limit) enough()
    },
  })
  await Promise.race([done, session.signal])
  await session.close()
  return 0
}
