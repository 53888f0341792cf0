import { writeLine, type Cli } from '../_io.ts'
import {
  defineCommand,
  groupFlags,
  type Flags,
  formatHelp,
  parseCount,
  parseFlags,
  refuseArguments,
  sessionFlags,
} from '../_args.ts'
import { ChatError } from '../_core.ts'
import { createOutput } from '../_output.ts'
import { startSession } from '../_session.ts'

/** The room's flags as listen has them: it only hears the room, so how far we send is not offered. */
const listenGroupFlags = {
  group: { ...groupFlags.group, help: 'listen in the multicast room GROUP:PORT (239.1.2.3:5000)' },
  interface: {
    ...groupFlags.interface,
    help:
      'with --group: the interface (its address) to join the room on\n' +
      "(default: the system's choice; 127.0.0.1 keeps the room on this machine)",
  },
  // Accepted as before, for scripts (and for what the config's plugins send to the room), but not offered.
  ttl: { ...groupFlags.ttl, hidden: true },
  'no-loopback': { ...groupFlags['no-loopback'], hidden: true },
} satisfies Flags

export const spec = defineCommand({
  name: 'listen',
  usage: ['listen [--once | --count N]'],
  summary: 'print what arrives',
  about: `Prints every datagram that arrives, decoded, until Ctrl-C (or N of them).
The config's plugins run as usual (a bot in the config still answers).`,
  flags: {
    once: { help: 'exit after the first message (the same as --count 1; not with --count)' },
    count: { short: 'n', value: 'N', help: 'exit after N messages', parse: parseCount },
    ...listenGroupFlags,
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
