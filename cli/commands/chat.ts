import { createInterface, type Interface } from 'node:readline'
import { describeError, describePeer, formatAddress, isChatError, type Address, type Chat } from '../../core/index.ts'
import { commonHelp, commonOptions, parseCommandArgs } from '../_args.ts'
import { createOutput, dim, type Output } from '../_output.ts'
import { openChat, untilSignal } from '../_session.ts'
import { createReloader, watchConfig, watchHelp, watchOption, type Reloader } from '../_watch.ts'
import { formatPlugins } from './plugins.ts'

export const help = `Usage: chat [--to TARGET]

The interactive, full-duplex chat: messages that arrive print above the prompt while you
type; each line you type goes to the current target. With stdin not a terminal, each
line is sent, then it keeps receiving until stdin ends (plus --linger ms).

Commands while chatting:
  /to TARGET      talk to a contact name or HOST:PORT from now on
  /peers          list the contacts of the config
  /plugins        list the plugins in effect
  /reload         load the config again and swap the plugins (the old ones stay on failure)
  /help           this list
  /quit           leave (so do Ctrl-C and Ctrl-D)
  //text          send a line that starts with "/"

  -t, --to TARGET       whom to talk to first (default: the config's \`to\`, else whoever writes first)
      --linger MS       with piped stdin: how long to keep receiving after it ends (default 500)
${watchHelp}
${commonHelp}`

const options = { ...commonOptions, ...watchOption, to: { type: 'string', short: 't' }, linger: { type: 'string' } } as const

const COMMANDS = `/to TARGET, /peers, /plugins, /reload, /help, /quit; //text sends "/text"`

export async function chat(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('chat', argv, options)
  if (values.help) return void console.log(help), 0
  if (positionals.length) return unknownCommand(positionals[0]!)
  const linger = values.linger === undefined ? 500 : Number(values.linger)
  const output = createOutput(values)
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !values.json
  let rl: Interface | undefined
  let target: Address | undefined
  const print = output.handler()

  if (interactive) {
    // Print above the prompt, then redraw the prompt with whatever was being typed.
    output.write = (stream, text) => {
      if (!rl) return void stream.write(text)
      process.stdout.write('\r\x1b[2K')
      stream.write(text)
      rl.prompt(true)
    }
  }

  void untilSignal(output) // before "listening" is printed
  const { chat: session, config } = await openChat(output, values, {
    onEvent(event) {
      if (event.type === 'message' && !target) {
        target = event.message.from
        setPrompt()
        if (!values.quiet) output.logger.info(`talking to ${describePeer(target, session.peers)} (the first to write); /to changes it`)
      }
      print(event)
    },
  })
  const to = values.to ?? config.to
  if (to !== undefined) target = await session.resolve(to)
  const reloader = createReloader(output, values, session)
  const watcher = values.watch ? watchConfig(output, values, reloader) : undefined

  function setPrompt() {
    rl?.setPrompt(dim(`${target ? (session.peers.nameOf(target) ?? formatAddress(target)) : '(nobody)'}> `))
  }

  rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive, crlfDelay: Infinity })
  if (interactive) {
    setPrompt()
    output.logger.info(target ? `talking to ${describePeer(target, session.peers)}; /help for commands` : `nobody to talk to yet: /to NAME or /to HOST:PORT (or wait for someone to write); /help for commands`)
    rl.prompt()
  }

  let quit = false
  const stopped = new Promise<void>((resolve) => {
    rl!.on('close', resolve)
    rl!.on('SIGINT', () => rl!.close())
  })

  const handle = async (line: string) => {
    if (line.startsWith('/') && !line.startsWith('//')) {
      quit = await command(line, session, output, reloader, (next) => ((target = next), setPrompt()))
      if (quit) return rl!.close()
    } else if (line.length > 0 || !interactive) {
      if (!target) output.logger.warn('Not sent: nobody to send to yet. Use /to NAME or /to HOST:PORT')
      else await session.send(line.startsWith('//') ? line.slice(1) : line, target).catch((error: unknown) => output.logger.error(describeError(error)))
    }
    if (interactive) rl!.prompt()
  }

  // Lines are handled one at a time, in order, even when a send has to wait for a name lookup.
  let queue = Promise.resolve()
  rl.on('line', (line) => (queue = queue.then(() => handle(line))))

  await Promise.race([stopped, untilSignal(output)])
  await queue
  if (!interactive && !quit && linger > 0) await new Promise((resolve) => setTimeout(resolve, linger))
  rl.close()
  if (interactive) process.stdout.write('\n')
  watcher?.close()
  await session.close()
  return 0
}

async function command(line: string, session: Chat, output: Output, reloader: Reloader, retarget: (to: Address) => void): Promise<boolean> {
  const [name, ...rest] = line.slice(1).split(/\s+/)
  const arg = rest.join(' ').trim()
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
        const to = await session.resolve(arg)
        retarget(to)
        output.logger.info(`talking to ${describePeer(to, session.peers)}`)
      } catch (error) {
        output.logger.error(isChatError(error) ? error.message : describeError(error))
      }
      break
    case 'peers': {
      const peers = session.peers.entries()
      output.line(peers.length ? peers.map(([n, a]) => `  ${n}  ${formatAddress(a)}`).join('\n') : '  no contacts: add `peers: { name: "HOST:PORT" }` to the config')
      break
    }
    case 'plugins': {
      const plugins = session.plugins()
      output.line(plugins.length ? formatPlugins(plugins) : '  no plugins')
      break
    }
    case 'reload':
      await reloader.reload()
      break
    case 'help':
      output.line(`  ${COMMANDS}`)
      break
    default:
      output.logger.warn(`Unknown command /${name}: ${COMMANDS}`)
  }
  return false
}

function unknownCommand(name: string): number {
  console.error(`Unknown command \`${name}\`. Commands: chat, chat send, chat listen, chat serve, chat join (chat --help)`)
  return 2
}
