import {
  ChatError, createChat, createPeers, describeError, describePeer, formatAddress, getTransport, resolveConfig, resolveTarget, type Address, type Chat, type Message, type ResolvedConfig,
} from '../_core.ts'
import { heartbeat, schedule, type RelayStatus } from '../../plugins/index.ts'
import { configFlags, defineCommand, formatHelp, helpFlag, outputFlags, parseFlags, parseSeconds, socketFlags, watchFlag } from '../_args.ts'
import { readLines } from '../_lines.ts'
import { parseEol, parseMs, toWire } from '../_flags.ts'
import { createOutput, dim, onStdout, type Output } from '../_output.ts'
import { listening, readConfig, untilSignal } from '../_session.ts'
import { slashRouter } from '../_slash.ts'
import { createReloader, watchConfig } from '../_watch.ts'

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
    linger: { value: 'MS', help: 'with piped stdin: how long to keep receiving after it ends (default 500)', parse: parseMs },
    eol: { value: 'EOL', help: 'end each line we send with lf (\\n), crlf (\\r\\n) or none (default: none)', parse: parseEol },
    nick: { value: 'NAME', help: 'our nickname in the room: `^here^ NAME` with each heartbeat (the relay needs presence())', parse: parseNick },
    proven: { help: "the relay is one of proven members: from the start, believe only a Bye! with its cookie" },
    ...watchFlag,
    ...configFlags,
    ...socketFlags,
    ...outputFlags,
    ...helpFlag,
  },
})

function parseNick(text: string, flag: string): string {
  if (!/^[^\x00-\x1f\x7f]{1,32}$/.test(text)) throw new ChatError('E_USAGE', `Expected ${flag} to be a nickname of 1-32 printable characters, got \`${text}\``)
  return text
}

const COMMANDS = '/quit, /reload, /help; another /command is sent as text; //text sends "/text"'
const OWN = ['quit', 'exit', 'reload', 'help']

export async function join(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(spec, argv)
  if (values.help) return void console.log(formatHelp(spec)), 0
  const [target, ...extra] = positionals
  if (target === undefined) throw new ChatError('E_USAGE', 'Missing TARGET: chat join TARGET (a contact name or HOST:PORT of the relay; see chat join --help)')
  if (extra.length) throw new ChatError('E_USAGE', `Unexpected \`${extra.join(' ')}\`: chat join takes one TARGET`)
  const interval = values.interval ?? 10
  const linger = values.linger ?? 500
  const eol = values.eol ?? ''
  const output = createOutput(values)
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !values.json
  let byeSaid: () => void = () => {}
  const bye = new Promise<void>((resolve) => (byeSaid = resolve))

  const defaults = { port: 0 }
  const config = await readConfig(values, defaults)
  const relay = await resolveRelay(target, config)
  // One instance for the whole session, so a reload sees it unchanged and keeps it running.
  const client = resolveConfig({
    plugins: [
      heartbeat({ to: relay, interval, proven: values.proven, onStatus: (status) => report(output, status, byeSaid) }),
      // Said again with each heartbeat, so a relay that restarted, or forgot us, learns it again.
      values.nick !== undefined && schedule({ to: formatAddress(relay), text: `^here^ ${values.nick}`, every: Math.max(10, Math.round(interval * 1000)), now: true }),
    ],
  }).plugins
  // A client that is also a relay would send every broadcast back to the room, which sends it
  // back again: the config's relay (if it has one) stays out of `chat join`.
  let warned = false
  const withClient = (next: ResolvedConfig): ResolvedConfig => {
    const plugins = next.plugins.filter((p) => p.plugin.name !== 'relay')
    if (plugins.length !== next.plugins.length && !warned) {
      warned = true
      output.logger.warn(`leaving out the config's relay plugin: a member that is also a relay would echo every broadcast back to the room`)
    }
    return { ...next, plugins: [...plugins, ...client] }
  }

  const print = output.handler()
  const session = await createChat({
    config: withClient(config),
    logger: output.logger,
    trace: values.trace,
    onEvent(event) {
      if (event.type === 'message' && !values.json && isFrom(event.message, relay)) return output.line(formatBroadcast(event.message))
      print(event)
    },
  })
  void untilSignal(output) // before "joined" is printed
  announce(output, session, relay, interval)
  const reloader = createReloader(output, values, { ...session, reload: (next) => session.reload(withClient(next)) }, defaults)
  const watcher = values.watch ? watchConfig(output, values, reloader) : undefined

  const route = slashRouter(output, OWN)
  const say = async (line: string) => {
    try {
      await session.send(toWire(line, eol), relay)
    } catch (error) {
      output.logger.error(describeError(error))
    }
  }
  const reader = readLines(output, interactive, {
    async command(name, _arg, line) {
      const how = route(name)
      if (how === 'text') return say(line)
      if (how === 'typo') return
      if (name === 'quit' || name === 'exit') return true
      if (name === 'reload') await reloader.reload()
      else output.line(`  ${COMMANDS}`)
    },
    text: say,
  })
  reader.setPrompt(dim(`${session.peers.nameOf(relay) ?? formatAddress(relay)}> `))

  const ended = await Promise.race([reader.stopped.then(() => 'eof' as const), bye.then(() => 'bye' as const), untilSignal(output)])
  await reader.drain()
  if (ended === 'eof' && !interactive && !reader.quit && linger > 0) {
    await Promise.race([new Promise((resolve) => setTimeout(resolve, linger)), bye, untilSignal(output)])
  }
  reader.close()
  watcher?.close()
  // Disposing the heartbeat plugin sends `quit`; close() waits until it has left.
  await session.close()
  return 0
}

/** The relay's address, looked up before the chat starts so that the heartbeat plugin never waits for it. */
async function resolveRelay(target: string, config: ResolvedConfig): Promise<Address> {
  const transport = getTransport()
  return resolveTarget(target, await createPeers(config.peers, transport), transport)
}

function isFrom(message: Message, relay: Address): boolean {
  return message.from.port === relay.port && message.from.host === relay.host
}

/** A broadcast carries its sender in its text already: `12:00:01 alice: hi`. */
function formatBroadcast(message: Message): string {
  return `${dim(new Date(message.at).toTimeString().slice(0, 8))} ${onStdout(message.text.replace(/\r?\n$|\r$/, ''))}`
}

function announce(output: Output, session: Chat, relay: Address, interval: number): void {
  listening(output, session)
  output.event('joined', { relay: formatAddress(relay), peer: session.peers.nameOf(relay) ?? null, interval })
  if (!output.options.json) {
    output.logger.info(`joined ${describePeer(relay, session.peers)} from ${formatAddress(session.local)}; a heartbeat every ${interval} s; /quit to leave`)
  }
}

function report(output: Output, status: RelayStatus, bye: () => void): void {
  output.event('relay', status)
  if (!output.options.json) {
    if (status.state === 'silent') output.logger.warn(`${status.relay} has sent nothing for ${status.seconds} s: the relay may have stopped (still sending heartbeats)`)
    else if (status.state === 'answering') output.logger.info(`${status.relay} is answering again`)
    else output.logger.info(`${status.relay} said Bye!: the relay has closed the room; leaving`)
  }
  if (status.state === 'bye') bye()
}
