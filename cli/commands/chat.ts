import { writeLine, type Cli } from '../_io.ts'
import {
  ChatError,
  describeError,
  describePeer,
  formatAddress,
  isChatError,
  type Address,
  type Chat,
} from '../_core.ts'
import { version } from '../_version.ts'
import { defineCommand, groupFlags, formatHelp, parseFlags, sessionFlags, watchFlag } from '../_args.ts'
import { converse, type Conversation } from '../_converse.ts'
import { lineFlags, toWire } from '../_flags.ts'
import { counted, createOutput, type Output } from '../_output.ts'
import { startSession, type Session } from '../_session.ts'
import { resolveEarly } from '../_config.ts'
import { createStats } from '../_stats.ts'
import { parseGroup } from '../../core/runtime/group.ts'
import { membersOf, type PresenceMember } from '../../plugins/index.ts'
import { formatPlugins } from './plugins.ts'

export const spec = defineCommand({
  name: 'chat',
  usage: ['chat [--to TARGET]', 'chat --group GROUP:PORT'],
  summary: 'interactive full-duplex chat',
  listed: ['the same in a multicast room: each line goes to everyone in it'],
  about: `The interactive, full-duplex chat: messages that arrive print above the prompt while you
type; each line you type goes to the current target. With stdin not a terminal, each
line is sent, then it keeps receiving until stdin ends (plus --linger ms).`,
  more: `Commands while chatting:
  /to TARGET      talk to a contact name or HOST:PORT from now on
  /peers          list the contacts of the config
  /plugins        list the plugins in effect
  /reload         load the config again and swap the plugins (the old ones stay on failure)
  /stats          datagrams and bytes received and sent, drops, errors
  /who            who is around (with a presence() plugin in the config)
  /hex            show datagrams as hex dumps, or as text again (as --hex)
  hex:68 69 0a    send these bytes (hex pairs; spaces, 0x and \\x are forgiven)
  /help           this list
  /quit           leave (so do Ctrl-C and Ctrl-D)
  /other words    any other /command goes out as text, for bots (\`/roll 2d6\`)
  //text          send a line that starts with "/" (also one that looks like a typo of ours)`,
  flags: {
    to: {
      short: 't',
      value: 'TARGET',
      help: "whom to talk to first (default: the config's `to`, else whoever writes first)",
    },
    ...lineFlags,
    ...watchFlag,
    ...groupFlags,
    ...sessionFlags,
    version: { short: 'v', help: 'print the version' },
  },
})

const COMMANDS =
  '/to TARGET, /peers, /plugins, /reload, /stats, /hex, /help, /quit; hex:0d 0a sends bytes; ' +
  'another /command is sent as text; //text sends "/text"'
const OWN = ['to', 'peers', 'plugins', 'reload', 'stats', 'hex', 'help', 'quit', 'exit']
// `/who` is ours only with a presence plugin: without one it goes to the peer (a relay may answer it).
const OWN_WITH_PRESENCE = [...OWN, 'who']

export async function chat(argv: string[], cli: Cli): Promise<number> {
  const { values, positionals } = parseFlags(spec, argv)
  if (values.help) return (void writeLine(cli.io.stdout, formatHelp(spec)), 0)
  if (values.version) return (void writeLine(cli.io.stdout, version), 0)
  if (positionals.length)
    throw new ChatError('E_USAGE', `Unexpected \`${positionals.join(' ')}\`: chat takes no arguments (chat --help)`)
  const eol = values.eol ?? ''
  const output = createOutput(values, cli)
  const interactive = cli.io.stdin.isTTY === true && cli.io.stdout.isTTY === true && !values.json
  let conversation: Conversation | undefined
  let target: Address | undefined
  const print = output.handler()
  const stats = createStats()
  // Set once the session has started: a message can arrive while it starts.
  let started: Session | undefined
  let unsent = 0
  // --to is looked up before the socket binds: a typo is a usage error, not one after "listening".
  let first: Address | undefined

  const session = await startSession(output, values, {
    async shape(config) {
      if (values.to !== undefined && !first) first = await resolveEarly(values.to, config)
      return config
    },
    onEvent(event) {
      if (event.type === 'message' && !target) {
        target = event.message.from
        conversation?.refresh()
        const who = started ? describePeer(target, started.chat.peers) : formatAddress(target)
        if (!values.quiet) output.logger.info(`talking to ${who} (the first to write); /to changes it`)
      }
      print(event)
      stats.count(event)
    },
  })
  started = session
  const { chat, config } = session
  if (first) target = first
  else if (config.to !== undefined) target = await chat.resolve(config.to)
  else if (config.group) target = parseGroup(config.group.address)

  if (interactive) {
    const nobody = 'nobody to talk to yet: /to NAME or /to HOST:PORT (or wait for someone to write)'
    output.logger.info(`${target ? `talking to ${describePeer(target, chat.peers)}` : nobody}; /help for commands`)
  }
  if (target) warnIfOwn(target, chat, output)
  // The presence plugin, known by what it does (it keeps members), not by its name.
  const presence = config.plugins.find((p) => typeof (p.plugin as { members?: unknown }).members === 'function')?.plugin
  conversation = converse(output, session, {
    interactive,
    linger: values.linger ?? 500,
    own: presence ? OWN_WITH_PRESENCE : OWN,
    prompt: () => output.style.dim(`${target ? (chat.peers.nameOf(target) ?? formatAddress(target)) : '(nobody)'}> `),
    command(name, arg) {
      if (name === 'stats') return output.line(`  ${stats.describe()}`)
      if (name === 'who') return output.line(formatWho(membersOf(presence)))
      if (name === 'hex') {
        output.options.hex = !output.options.hex
        return output.logger.info(
          output.options.hex ? 'showing datagrams as hex dumps; /hex again for text' : 'showing datagrams as text',
        )
      }
      return command(name, arg, session, output, (next) => ((target = next), conversation?.refresh()))
    },
    async say(line) {
      if (!target) {
        unsent++
        return output.logger.warn('Not sent: nobody to send to yet. Use /to NAME or /to HOST:PORT')
      }
      await chat.send(toWire(line, eol), target).catch((error: unknown) => {
        unsent++
        output.logger.error(describeError(error))
      })
    },
  })
  await conversation.over
  await session.close()
  // Piped lines are a script's: one that did not leave is a failure it must be able to see.
  if (interactive || unsent === 0) return 0
  output.logger.error(`${counted(unsent, 'line')} of stdin not sent (said above)`)
  return 1
}

async function command(
  name: string,
  arg: string,
  session: Session,
  output: Output,
  retarget: (to: Address) => void,
): Promise<boolean> {
  const { chat } = session
  switch (name) {
    case 'quit':
    case 'exit':
      return true
    case 'to':
      if (!arg) {
        output.logger.warn('Usage: /to NAME or /to HOST:PORT')
        break
      }
      try {
        const to = await chat.resolve(arg)
        retarget(to)
        output.logger.info(`talking to ${describePeer(to, chat.peers)}`)
        warnIfOwn(to, chat, output)
      } catch (error) {
        output.logger.error(isChatError(error) ? error.message : describeError(error))
      }
      break
    case 'peers': {
      const peers = chat.peers.entries()
      output.line(
        peers.length
          ? peers.map(([n, a]) => `  ${n}  ${formatAddress(a)}`).join('\n')
          : '  no contacts: add `peers: { name: "HOST:PORT" }` to the config',
      )
      break
    }
    case 'plugins': {
      const plugins = chat.plugins()
      output.line(plugins.length ? formatPlugins(plugins, output.style.dim) : '  no plugins')
      break
    }
    case 'reload':
      await session.reloader.reload()
      break
    case 'help':
      output.line(`  ${COMMANDS}`)
      break
    default:
      output.logger.warn(`Unknown command /${name}: ${COMMANDS}`)
  }
  return false
}

function formatWho(members: PresenceMember[]): string {
  if (!members.length) return '  nobody else has announced themselves yet'
  const now = Date.now()
  return members
    .map((m) => `  ${m.name}  ${formatAddress(m.address)}  (heard ${Math.round((now - m.seen) / 1000)} s ago)`)
    .join('\n')
}

/**
 * A chat never shows what comes from its own socket (a broadcast it hears again, say): a target
 * that is its own address would take every line and show nothing, so it says why once.
 */
function warnIfOwn(to: Address, chat: Chat, output: Output): void {
  if (chat.isOwn(to))
    output.logger.warn(
      `${formatAddress(to)} is this chat's own address: lines sent there come back to it, and are not shown`,
    )
}
