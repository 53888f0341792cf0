import { describe, expect, it } from 'vitest'
import { visible } from '../../cli/_visible.ts'
import { root, startChat } from '../helpers/chat-process.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket } from '../helpers/udp.ts'

// Runs a command on a pseudo-terminal (as a user's terminal would), copying what it shows to stdout.
const PTY = 'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))'
const onTerminal = (): [string, string[]] => ['python3', ['-c', PTY, process.execPath, `${root}bin/chat.mjs`]]

const ATTACK = '\x1b[2J\x1b[Hhi\x1b[31m\u202eevil\x07\r\nfake line'

describe('visible()', () => {
  it('writes out every character that could drive a terminal, and leaves the rest alone', () => {
    expect(visible(ATTACK)).toBe('\\e[2J\\e[Hhi\\e[31m\\u202eevil\\x07\\r\\nfake line')
    expect(visible('héllo\tworld 你好')).toBe('héllo\tworld 你好')
    expect(visible('\x9b2J\x00\x7f')).toBe('\\x9b2J\\x00\\x7f')
  })
})

describe('chat listen on a terminal', () => {
  it('shows control characters from the network escaped, so the screen cannot be driven from outside', async () => {
    const chat = startChat(['listen', '--count', '1', '--host', '127.0.0.1', '--port', '0'], { command: onTerminal() })
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(await chat.waitFor(/listening on/))![1])
    const sender = closeAfterTest(await plainSocket())
    await sender.send(ATTACK, port)
    const line = await chat.waitFor(/hi/)
    expect(line).toContain('\\e[2J\\e[Hhi\\e[31m\\u202eevil\\x07\\r\\nfake line')
    expect(line).not.toContain('\x1b')
    expect((await chat.exited).code).toBe(0)
  })

  it('keeps the exact text with --json and where stdout is not a terminal', async () => {
    const json = startChat(['listen', '--count', '1', '--json', '--host', '127.0.0.1', '--port', '0'])
    const sender = closeAfterTest(await plainSocket())
    await sender.send(ATTACK, await json.port())
    expect((await json.event('message')).text).toBe(ATTACK)
    const piped = startChat(['listen', '--count', '1', '--host', '127.0.0.1', '--port', '0'])
    const port = Number(/:(\d+)/.exec(await piped.waitFor(/listening on/, { stream: 'stderr' }))![1])
    await sender.send(ATTACK, port)
    expect((await piped.exited).stdout).toContain(ATTACK.replace(/\r\n.*$/, ''))
  })
})
