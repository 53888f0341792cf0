import { describeError, isChatError } from '../core/index.ts'
import { chat, help as chatHelp } from './commands/chat.ts'
import { join } from './commands/join.ts'
import { listen } from './commands/listen.ts'
import { plugins } from './commands/plugins.ts'
import { send } from './commands/send.ts'
import { serve } from './commands/serve.ts'
import { version } from './_version.ts'

const commands: Record<string, (argv: string[]) => Promise<number>> = { send, listen, serve, join, plugins }

const usage = `chat ${version}: a scriptable UDP chat

Usage:
  chat [--to TARGET]            interactive full-duplex chat
  chat send TARGET TEXT...      send one datagram (or \`-\`: one per stdin line) and exit
  chat listen [--once|--count N] print what arrives
  chat serve                    run the config's plugins headless until SIGINT/SIGTERM
  chat join TARGET [--interval S] join a group-chat relay: heartbeats, broadcasts, \`quit\` on exit
  chat plugins                  list the config's plugins in the order they run, with hooks and options

TARGET is a contact name from the config's \`peers\`, HOST:PORT, or a bare PORT (127.0.0.1).
\`chat COMMAND --help\` tells more.

${chatHelp.slice(chatHelp.indexOf('Commands while chatting'))}
  -v, --version         print the version`

/** Runs the command line; resolves to the exit status (0 done, 1 runtime failure, 2 usage or config error). */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv
  if (first === '--version' || first === '-v') return void console.log(version), 0
  if (first === '--help' || first === '-h' || first === 'help') return void console.log(usage), 0
  const verbose = argv.includes('--verbose')
  try {
    const command = first !== undefined && !first.startsWith('-') ? commands[first] : undefined
    return command ? await command(rest) : await chat(argv)
  } catch (error) {
    if (isChatError(error)) {
      console.error(`chat: ${error.message}`)
      if (verbose && error.cause instanceof Error && error.cause.stack) console.error(error.cause.stack)
      return error.code === 'E_CONFIG' || error.code === 'E_USAGE' || error.code === 'E_TARGET' ? 2 : 1
    }
    // A permission the runtime was not granted (NotCapable): its message names the flag to add.
    if (error instanceof Error && error.name === 'NotCapable') return void console.error(`chat: ${describeError(error)}`), 2
    console.error(`chat: internal error: ${describeError(error)} (this is a bug; please report it)`)
    console.error(error instanceof Error ? error.stack : error)
    return 1
  }
}
