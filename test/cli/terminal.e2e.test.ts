import { spawn, spawnSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { chatCommand, projectDir, runtime } from '../helpers/chat-process.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket } from '../helpers/udp.ts'

// What only happens on a terminal: the prompt, colour, Ctrl-C and Ctrl-D. `chat` runs on a
// pseudo-terminal made by util-linux `script`; keys are bytes written to it.
const hasScript = spawnSync('script', ['--version']).status === 0
const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`

interface Terminal {
  /** Everything the terminal showed so far, escapes included. */
  readonly screen: () => string
  waitFor(text: string | RegExp): Promise<void>
  type(keys: string): void
  exited: Promise<number | null>
  kill(): void
}

const open: Terminal[] = []
afterEach(() => {
  for (const terminal of open.splice(0)) terminal.kill()
})

function terminal(args: string[]): Terminal {
  const [command, prefix] = chatCommand(runtime)
  const line = [command, ...prefix, ...args].map(quote).join(' ')
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', FORCE_COLOR: undefined }
  delete env.NO_COLOR
  const child = spawn('script', ['-qfec', line, '/dev/null'], { cwd: projectDir(), env, stdio: 'pipe' })
  let screen = ''
  const waiters = new Set<() => void>()
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8')
    for (const wake of waiters) wake()
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const t: Terminal = {
    screen: () => screen,
    waitFor(text) {
      const seen = () => (typeof text === 'string' ? screen.includes(text) : text.test(screen))
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => (
            waiters.delete(check), reject(new Error(`the terminal never showed ${text}:\n${JSON.stringify(screen)}`))
          ),
          15_000,
        )
        const check = () => {
          if (seen()) clearTimeout(timer), waiters.delete(check), resolve()
        }
        waiters.add(check)
        check()
      })
    },
    type: (keys) => void child.stdin.write(keys),
    exited,
    kill: () => void child.kill('SIGKILL'),
  }
  open.push(t)
  return t
}

describe.skipIf(!hasScript)('chat on a terminal', () => {
  it('shows a dim prompt, a yellow warning, and leaves with exit 0 on Ctrl-D', async () => {
    const chat = terminal(['--host', '127.0.0.1', '--port', '0'])
    await chat.waitFor('\x1b[2m(nobody)> \x1b[0m')
    chat.type('hello\r')
    await chat.waitFor(/\x1b\[33mwarning\x1b\[0m Not sent: nobody to send to yet/)
    chat.type('\x04')
    expect(await chat.exited).toBe(0)
  })

  it('prints what arrives above the prompt in colour, and Ctrl-C stops it with exit 0', async () => {
    const chat = terminal(['--host', '127.0.0.1', '--port', '0'])
    await chat.waitFor(/listening on 127\.0\.0\.1:(\d+)/)
    const port = Number(chat.screen().match(/listening on 127\.0\.0\.1:(\d+)/)![1])
    const alice = closeAfterTest(await plainSocket())
    await alice.send('hi from alice', port)
    // Above the prompt: the time dim, the sender cyan.
    await chat.waitFor(`\x1b[2K\x1b[2m`)
    await chat.waitFor(`\x1b[36m127.0.0.1:${alice.port}\x1b[0m: hi from alice\r\n`)
    // The prompt now answers whoever wrote first.
    await chat.waitFor(`\x1b[2m127.0.0.1:${alice.port}> \x1b[0m`)
    chat.type('hello back\r')
    expect((await alice.next()).data.toString()).toBe('hello back')
    chat.type('\x03')
    expect(await chat.exited).toBe(0)
  })
})
