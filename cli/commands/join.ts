import { writeLine, type Cli } from '../_io.ts'
import {
  ChatError,
  describeError,
  describePeer,
  formatAddress,
  resolveConfig,
  type Address,
  type Chat,
  type Message,
  type ResolvedConfig,
} from '../_core.ts'
import { heartbeat, isRelay, schedule, type RelayStatus } from '../../plugins/index.ts'
import { defineCommand, formatHelp, parseFlags, sessionFlags, parseSeconds, watchFlag } from '../_args.ts'
import { converse } from '../_converse.ts'
import { lineFlags, toWire } from '../_flags.ts'
import { createOutput, type Output, type Style } from '../_output.ts'
import { startSession } from '../_session.ts'
import { bindForTarget, resolveEarly } from '../_config.ts'

export const spec = defineCommand({
  name: 'join',
  usage: ['join TARGET [--interval S]'],
  summary: 'join a group-chat relay: heartbeats, broadcasts, `quit` on exit',
  about: `The group-chat client: joins the relay at TARGET (a contact name, HOST:PORT or a bare PORT),
sends it a heartbeat (^hb^) every --interval seconds, prints every broadcast, and sends each
line you type. On the way out (EOF, /quit, Ctrl-C, SIGTERM) it tells the relay \`quit\`.
It says so when the relay has sent nothing for 3 intervals, and when the relay says Bye!
(then it leaves). With a relay of proven members it echoes the relay's cookie, sends it with
every datagram, and believes only a Bye! that carries it. Binds any free port unless --port
says otherwise.`,
  more: `Commands while joined:
  /quit           leave the room (so do Ctrl-C and Ctrl-D)
  /reload         load the config again and swap its plugins (the heartbeat goes on)
  /help           this list
  /other words    any other /command goes out as text, for bots (\`/roll 2d6\`)
  //text          send a line that starts with "/" (also one that looks like a typo of ours)`,
  flags: {
    interval: { short: 'i', value: 'S', help: 'seconds between heartbeats (default 10)', parse: parseSeconds },
    ...lineFlags,
    nick: {
      value: 'NAME',
      help: 'our nickname in the room: `^here^ NAME` with each heartbeat (the relay needs presence())',
      parse: parseNick,
    },
    proven: { help: 'the relay is one of proven members: from the start, believe only a Bye! with its cookie' },
    ...watchFlag,
    ...sessionFlags,
  },
})

function parseNick(text: string, flag: string): string {
  if (!/^[^\x00-\x1f\x7f]{1,32}$/.test(text))
    throw new ChatError('E_USAGE', `Expected ${flag} to be a nickname of 1-32 printable characters, got \`${text}\``)
  return text
}

const COMMANDS = '/quit, /reload, /help; another /command is sent as text; //text sends "/text"'
const OWN = ['quit', 'exit', 'reload', 'help']

export async function join(argv: string[], cli: Cli): Promise<number> {
  const { values, positionals } = parseFlags(spec, argv)
  if (values.help) return (void writeLine(cli.io.stdout, formatHelp(spec)), 0)
  const [target, ...extra] = positionals
  if (target === undefined)
    throw new ChatError(
      'E_USAGE',
      'Missing TARGET: chat join TARGET (a contact name or HOST:PORT of the relay; see chat join --help)',
    )
  if (extra.length) throw new ChatError('E_USAGE', `Unexpected \`${extra.join(' ')}\`: chat join takes one TARGET`)
  const interval = values.interval ?? 10
  const eol = values.eol ?? ''
  const output = createOutput(values, cli)
  const interactive = cli.io.stdin.isTTY === true && cli.io.stdout.isTTY === true && !values.json
  let byeSaid: () => void = () => {}
  const bye = new Promise<void>((resolve) => (byeSaid = resolve))

  // The relay is looked up before the chat starts, so that the heartbeat plugin never waits for it;
  // its plugins are made once, so a reload sees them unchanged and keeps them running.
  let relay: Address | undefined
  let client: ResolvedConfig['plugins'] = []
  let warned = false
  const shape = async (next: ResolvedConfig): Promise<ResolvedConfig> => {
    if (!relay) {
      const to = (relay = await resolveEarly(target, next))
      const onStatus = (status: RelayStatus) => report(output, status, byeSaid)
      const every = Math.max(10, Math.round(interval * 1000))
      client = resolveConfig({
        plugins: [
          heartbeat({ to, interval, proven: values.proven, onStatus }),
          // Said again with each heartbeat, so a relay that restarted, or forgot us, learns it again.
          values.nick !== undefined &&
            schedule({ to: formatAddress(to), text: `^here^ ${values.nick}`, every, now: true }),
        ],
      }).plugins
    }
    // A client that is also a relay would send every broadcast back to the room, which sends it
    // back again: the config's relay (if it has one) stays out of `chat join`.
    const plugins = next.plugins.filter((p) => !isRelay(p.plugin))
    if (plugins.length !== next.plugins.length && !warned) {
      warned = true
      output.logger.warn(
        `leaving out the config's relay plugin: a member that is also a relay would echo every broadcast back to the room`,
      )
    }
    return { ...bindForTarget(next, target, values), plugins: [...plugins, ...client] }
  }

  const print = output.handler()
  const session = await startSession(output, values, {
    port: 0,
    announce: false,
    shape,
    onEvent(event) {
      if (event.type === 'message' && !values.json && relay && isFrom(event.message, relay))
        return output.line(formatBroadcast(event.message, output.style))
      print(event)
    },
  })
  const { chat } = session
  const to = relay!
  announce(output, chat, to, interval)
  const conversation = converse(output, session, {
    interactive,
    linger: values.linger ?? 500,
    own: OWN,
    until: bye,
    prompt: () => output.style.dim(`${chat.peers.nameOf(to) ?? formatAddress(to)}> `),
    async command(name) {
      if (name === 'quit' || name === 'exit') return true
      if (name === 'reload') await session.reloader.reload()
      else output.line(`  ${COMMANDS}`)
    },
    async say(line) {
      await chat.send(toWire(line, eol), to).catch((error: unknown) => output.logger.error(describeError(error)))
    },
  })
  await conversation.over
  // Disposing the heartbeat plugin sends `quit`; close() waits until it has left.
  await session.close()
  return 0
}

function isFrom(message: Message, relay: Address): boolean {
  return message.from.port === relay.port && message.from.host === relay.host
}

/** A broadcast carries its sender in its text already: `12:00:01 alice: hi`. */
function formatBroadcast(message: Message, { dim, onStdout }: Style): string {
  return `${dim(new Date(message.at).toTimeString().slice(0, 8))} ${onStdout(message.text.replace(/\r?\n$|\r$/, ''))}`
}

function announce(output: Output, session: Chat, relay: Address, interval: number): void {
  output.event('joined', { relay: formatAddress(relay), peer: session.peers.nameOf(relay) ?? null, interval })
  if (!output.options.json) {
    output.logger.info(
      `joined ${describePeer(relay, session.peers)} from ${formatAddress(session.local)}; a heartbeat every ${interval} s; /quit to leave`,
    )
  }
}

function report(output: Output, status: RelayStatus, bye: () => void): void {
  output.event('relay', status)
  if (!output.options.json) {
    if (status.state === 'silent')
      output.logger.warn(
        `${status.relay} has sent nothing for ${status.seconds} s: the relay may have stopped (still sending heartbeats)`,
      )
    else if (status.state === 'answering') output.logger.info(`${status.relay} is answering again`)
    else output.logger.info(`${status.relay} said Bye!: the relay has closed the room; leaving`)
  }
  if (status.state === 'bye') bye()
}
