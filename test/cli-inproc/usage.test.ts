import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { formatHelp } from '../../cli/_args.ts'
import { spec as chat } from '../../cli/commands/chat.ts'
import { spec as joinSpec } from '../../cli/commands/join.ts'
import { spec as listen } from '../../cli/commands/listen.ts'
import { spec as plugins } from '../../cli/commands/plugins.ts'
import { spec as send } from '../../cli/commands/send.ts'
import { spec as serve } from '../../cli/commands/serve.ts'
import { usage } from '../../cli/main.ts'
import { root } from '../helpers/chat-process.ts'
import { runInProc } from '../helpers/inproc.ts'

describe('chat help and version, in process', () => {
  it.each([
    [['--help']],
    [['-h']],
    [['help']],
    [['--port', '0', '--help']],
    [['-q', '-h']],
    [['--to', 'x', '--json', '--help']],
  ])('%j prints the list of commands and exits 0', async (argv) => {
    const exit = await runInProc(argv)
    expect(exit).toEqual({ code: 0, stdout: `${usage()}\n`, stderr: '' })
    expect(exit.stdout).toMatch(new RegExp(`^chat ${pkg.version}: a scriptable UDP chat\\n\\nUsage:\\n`))
    for (const name of ['send', 'listen', 'serve', 'join', 'plugins'])
      expect(exit.stdout).toMatch(new RegExp(`^ {2}chat ${name}\\b`, 'm'))
    expect(exit.stdout).toMatch(/^ {2}chat \[--to TARGET\] +interactive full-duplex chat$/m)
  })

  it.each([
    [['send', '--help'], send],
    [['listen', '-h'], listen],
    [['--help', 'serve'], serve],
    [['join', '--help'], joinSpec],
    [['plugins', '--help'], plugins],
    [['-qh'], chat],
  ])('%j prints that command’s help and exits 0', async (argv, spec) => {
    const exit = await runInProc(argv)
    expect(exit).toEqual({ code: 0, stdout: `${formatHelp(spec)}\n`, stderr: '' })
  })

  it.each([[['--version']], [['-v']], [['-q', '--version']]])('%j prints the version alone', async (argv) => {
    expect(await runInProc(argv)).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' })
  })
})

const fixture = (name: string) => join(root, 'test/fixtures', name, 'chat.config.ts')

describe('usage errors, in process: exit 2 and one line on stderr, nothing on stdout', () => {
  it.each([
    [['lisen'], 'Unknown command `lisen`; did you mean `listen`? (chat --help lists the commands)'],
    [['frobnicate'], 'Unknown command `frobnicate` (chat --help lists the commands)'],
    [['listen', '--bogus'], 'Unknown option `--bogus` (chat listen --help lists the options)'],
    [['--prot=1'], 'Unknown option `--prot`; did you mean `--port`? (chat --help lists the options)'],
    [['send'], 'Missing TARGET: chat send TARGET TEXT... (see chat send --help)'],
    [['send', '7000'], 'Missing TEXT: chat send TARGET TEXT..., or `-` to read lines from stdin'],
    [['send', '7000', '-', '--repeat', '2'], '--repeat and --every repeat a TEXT, not stdin (`-`)'],
    [['send', '7000', '-', '--every', '5'], '--repeat and --every repeat a TEXT, not stdin (`-`)'],
    [['send', '7000', 'hex:zz'], /^Expected hex/],
    [['send', '7000', 'hi', '--wait', '1s'], 'Expected --wait to be a whole number of milliseconds, got `1s`'],
    [['send', '7000', 'hi', '--count', '0'], 'Expected --count to be a whole number of 1 or more, got `0`'],
    [['send', '7000', 'hi', '-n', 'x'], 'Expected -n to be a whole number of 1 or more, got `x`'],
    [['send', '7000', 'hi', '--repeat', '-1'], 'Expected --repeat to be a whole number of 1 or more, got `-1`'],
    [['send', '7000', 'hi', '--eol', 'cr'], 'Expected --eol to be lf, crlf or none, got `cr`'],
    [['send', '7000', 'hi', '--every', '0.5'], 'Expected --every to be a whole number of milliseconds, got `0.5`'],
    [['listen', '--port', '70000'], /^Expected --port to be an integer 0-65535, got `70000`/],
    [['listen', '-p', 'x'], /^Expected -p to be an integer 0-65535, got `x`/],
    [['listen', '--count', '1.5'], 'Expected --count to be a whole number of 1 or more, got `1.5`'],
    [['listen', '--ttl', '256', '--group', '239.1.2.3:5000'], 'Expected --ttl to be a TTL 0-255, got `256`'],
    [['listen', '--ttl', 'x'], 'Expected --ttl to be a TTL 0-255, got `x`'],
    [['listen', '--json=yes'], '--json takes no value, got `yes` (chat listen --help lists the options)'],
    [['listen', '--config'], '--config needs a value: --config FILE (chat listen --help lists the options)'],
    [['listen', '--config', ''], 'Expected --config to be a value, got nothing'],
    [['listen', '--host', ' '], 'Expected --host to be an address, got nothing'],
    [['listen', '-x'], 'Unknown option `-x` (chat listen --help lists the options)'],
    [['join'], 'Missing TARGET: chat join TARGET (a contact name or HOST:PORT of the relay; see chat join --help)'],
    [['join', '7000', '7001'], 'Unexpected `7001`: chat join takes one TARGET'],
    [['join', '7000', 'a', 'b'], 'Unexpected `a b`: chat join takes one TARGET'],
    [['join', '7000', '--interval', '0'], 'Expected --interval to be a number of seconds above 0, got `0`'],
    [['join', '7000', '-i', 'soon'], 'Expected -i to be a number of seconds above 0, got `soon`'],
    [['join', '7000', '-i', ' '], 'Expected -i to be a number of seconds above 0, got ` `'],
    [['join', '7000', '--nick', ''], 'Expected --nick to be a nickname of 1-32 printable characters, got ``'],
    [['join', '7000', '--nick', 'a'.repeat(33)], /^Expected --nick to be a nickname of 1-32 printable/],
    [['join', '7000', '--nick', 'a\tb'], /^Expected --nick to be a nickname of 1-32 printable/],
    [['join', '7000', '--linger', 'x'], 'Expected --linger to be a whole number of milliseconds, got `x`'],
    [['--to', 'x', 'extra'], 'Unknown command `extra` (chat --help lists the commands)'],
    // An option no command knows: the word after it may be its value, so the option is what is named.
    [['--prot', '1'], 'Unknown option `--prot`; did you mean `--port`? (chat --help lists the options)'],
    [['-x', '1'], 'Unknown option `-x` (chat --help lists the options)'],
    [['-qx', '1'], 'Unknown option `-x` (chat --help lists the options)'],
    [['--port=7000', 'frobnicate'], 'Unknown command `frobnicate` (chat --help lists the commands)'],
    [['-p7000', 'frobnicate'], 'Unknown command `frobnicate` (chat --help lists the commands)'],
    [['-q', 'frobnicate'], 'Unknown command `frobnicate` (chat --help lists the commands)'],
    [['--', 'extra'], 'Unexpected `extra`: chat takes no arguments (chat --help)'],
    [['--', 'a', 'b'], 'Unexpected `a b`: chat takes no arguments (chat --help)'],
    [['--', 'send'], 'Unexpected `send`: chat takes no arguments (chat --help)'],
    [['plugins', '--', 'x', 'y'], 'Unexpected `x y`: chat plugins takes no arguments'],
    // After `--`, `--help` is text, not a request for help.
    [['plugins', '--', '--help'], 'Unexpected `--help`: chat plugins takes no arguments'],
    [['plugins', '--port', '1'], 'Unknown option `--port` (chat plugins --help lists the options)'],
    [['listen', '--config', 'nowhere.ts'], 'Config file not found: nowhere.ts'],
    [
      ['listen', '--ttl', '1', '--host', '127.0.0.1'],
      '--interface, --ttl and --no-loopback go with --group GROUP:PORT (or a `group` in the config)',
    ],
    [['listen', '--no-loopback'], /^--interface, --ttl and --no-loopback go with --group/],
    [['listen', '--interface', '127.0.0.1'], /^--interface, --ttl and --no-loopback go with --group/],
    [['listen', '--group', '127.0.0.1:5000'], /group/],
    [['listen', '--encoding', 'klingon'], /^Expected --encoding to name an encoding such as utf-8, .*got `klingon`$/],
    [['listen', '--config', fixture('bad-port')], /port/i],
  ])('%j', async (argv, message) => {
    const exit = await runInProc(argv)
    expect(exit.code).toBe(2)
    expect(exit.stdout).toBe('')
    expect(exit.stderr).toMatch(/\n$/)
    const lines = exit.stderr.slice(0, -1).split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^chat: /)
    const text = lines[0]!.slice('chat: '.length)
    if (typeof message === 'string') expect(text).toBe(message)
    else expect(text).toMatch(message)
  })
})
