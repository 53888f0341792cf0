import { describe, expect, it } from 'vitest'
import { runInProc, usePeers, writeConfig } from '../helpers/inproc.ts'

/** Exit 2, nothing on stdout, and one `chat: ` line on stderr: the text after the prefix. */
async function usageError(argv: string[]): Promise<string> {
  const exit = await runInProc(argv)
  expect(exit.code).toBe(2)
  expect(exit.stdout).toBe('')
  const lines = exit.stderr.replace(/\n$/, '').split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^chat: /)
  return lines[0]!.slice('chat: '.length)
}

describe('usage errors found by the review, in process', () => {
  it.each([
    [['send', '127.0.0.1:9', 'hex:zz'], 'Expected hex bytes (such as `68 69 0d 0a`), got `z` in `zz`'],
    [['send', '127.0.0.1:9', 'zz', '--encoding', 'hex'], 'Expected hex bytes (such as `68 69 0d 0a`), got `z` in `zz`'],
    [['send', '127.0.0.1:9', '6', '-e', 'HEX'], 'Expected hex bytes in pairs of digits, got an odd number (1) in `6`'],
  ])(
    '%j: bytes that are not hex are a usage error however they are asked for, before anything binds',
    async (argv, message) => {
      expect(await usageError(argv)).toBe(message)
    },
  )

  it.each([
    [['serve', 'a', 'b'], 'Unexpected `a b`: chat serve takes no arguments'],
    [['listen', 'foo'], 'Unexpected `foo`: chat listen takes no arguments'],
    [['listen', '--once', '--', 'x'], 'Unexpected `x`: chat listen takes no arguments'],
    [['plugins', 'foo'], 'Unexpected `foo`: chat plugins takes no arguments'],
  ])('%j: a command that takes no arguments refuses a stray word, before it binds', async (argv, message) => {
    expect(await usageError(argv)).toBe(message)
  })
})

describe('chat listen --once and --count, in process', () => {
  it.each([[['listen', '--once', '--count', '2']], [['listen', '-n', '1', '--once']]])(
    '%j: both together are a usage error (--once is --count 1)',
    async (argv) => {
      expect(await usageError(argv)).toBe('--once means --count 1: give one or the other, not both')
    },
  )
})

describe("a target's port, in process: 1-65535 in every form and command, one message", () => {
  it.each([
    [['send', '127.0.0.1:0', 'hi'], '127.0.0.1:0'],
    [['send', '127.0.0.1:70000', 'hi'], '127.0.0.1:70000'],
    [['send', '70000', 'hi'], '70000'],
    [['send', '[::1]:70000', 'hi'], '[::1]:70000'],
    [['join', '127.0.0.1:70000'], '127.0.0.1:70000'],
    [['join', '70000'], '70000'],
  ])('%j', async (argv, target) => {
    expect(await usageError([...argv, '--host', '127.0.0.1'])).toBe(
      `Cannot send to \`${target}\`: a target's port is 1-65535`,
    )
  })
})

describe('chat --to, in process: looked up before the socket binds', () => {
  it.each([
    [['--to', 'nobody'], 'Unknown target `nobody`: expected a contact name or HOST:PORT'],
    [['--to', '70000'], "Cannot send to `70000`: a target's port is 1-65535"],
    [['-t', '127.0.0.1:0'], "Cannot send to `127.0.0.1:0`: a target's port is 1-65535"],
  ])('%j: one line, no `listening`, exit 2', async (argv, message) => {
    expect(await usageError([...argv, '--host', '127.0.0.1', '--port', '0'])).toBe(message)
  })
})

describe('an IPv6 target without brackets, in process: the error shows how to write it', () => {
  const unknown = (target: string) => `Unknown target \`${target}\`: expected a contact name or HOST:PORT`
  it.each([
    [['send', '::1:47999', 'hi'], `${unknown('::1:47999')} (an IPv6 address with a port is written [::1]:47999)`],
    [
      ['join', 'fe80::1%lo:7000'],
      `${unknown('fe80::1%lo:7000')} (an IPv6 address with a port is written [fe80::1%lo]:7000)`,
    ],
    [
      ['--to', '2001:db8::1:80'],
      `${unknown('2001:db8::1:80')} (an IPv6 address with a port is written [2001:db8::1]:80)`,
    ],
    // No port to move out: no hint.
    [['send', '::1', 'hi'], unknown('::1')],
    [['send', 'fe80::1', 'hi'], unknown('fe80::1')],
    // Not an address with a port from end to end: no hint either.
    [['send', 'x::1:47999', 'hi'], unknown('x::1:47999')],
    [['send', '::1:47999x', 'hi'], unknown('::1:47999x')],
    // Spaces around it are forgiven, as when it is read.
    [['send', ' ::1:47999', 'hi'], `${unknown(' ::1:47999')} (an IPv6 address with a port is written [::1]:47999)`],
  ])('%j', async (argv, message) => {
    expect(await usageError([...argv, '--host', '127.0.0.1', '--port', '0'])).toBe(message)
  })
})

describe('chat send TARGET - with nothing on stdin, in process', () => {
  const peer = usePeers()

  it('says so in one line on stderr and exits 0', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), '-', '--host', '127.0.0.1'], { input: '' })
    expect(exit).toEqual({ code: 0, stdout: '', stderr: 'no lines on stdin; nothing sent\n' })
  })

  it('an empty line is a line: it is sent, and nothing is said about stdin', async () => {
    const device = await peer()
    const exit = await runInProc(['send', String(device.port), '-', '--host', '127.0.0.1'], { input: '\n' })
    expect(exit).toEqual({ code: 0, stdout: '', stderr: `sent 0 bytes to 127.0.0.1:${device.port}\n` })
    expect((await device.next()).data).toHaveLength(0)
  })
})

describe('chat listen --help, in process: the room as listen has it', () => {
  it('offers --group and --interface in its own words, and not --ttl or --no-loopback (it sends nothing)', async () => {
    const { code, stdout } = await runInProc(['listen', '--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^ {2}-g, --group GROUP {5}listen in the multicast room GROUP:PORT \(239\.1\.2\.3:5000\)$/m)
    expect(stdout).toMatch(/^ {6}--interface ADDR {2}with --group: the interface \(its address\) to join the room on$/m)
    expect(stdout).not.toMatch(/--ttl|--no-loopback|talk to it|send from/)
  })

  it('still takes --ttl and --no-loopback with --group, as before (scripts, and what plugins send to the room)', async () => {
    const group = '239.255.77.1:0'
    // A group's port 0 is refused after the flags are read: the flags themselves were taken.
    const exit = await runInProc(['listen', '--group', group, '--ttl', '0', '--no-loopback'])
    expect(exit).toMatchObject({ code: 2, stderr: 'chat: Expected --group to have a port (1-65535), got 0\n' })
  })

  it('chat --help lists `chat --group GROUP:PORT` and the chat’s own --help shows it as a usage', async () => {
    expect((await runInProc(['--help'])).stdout).toMatch(/^ {2}chat --group GROUP:PORT +the same in a multicast room/m)
    expect((await runInProc(['-qh'])).stdout).toMatch(/^Usage: chat \[--to TARGET\]\n {7}chat --group GROUP:PORT\n/)
  })
})

describe('chat serve --help, in process', () => {
  it('--hex says it shows only with --verbose (serve prints no messages without it)', async () => {
    const { stdout } = await runInProc(['serve', '--help'])
    expect(stdout).toMatch(
      /^ {6}--hex +with --verbose \(serve shows no messages without it\): each datagram as a hex dump;\n {24}--json /m,
    )
  })
})

describe('--config in every --help, in process', () => {
  it.each([['listen'], ['serve'], ['send'], ['join'], ['plugins'], ['-q']])(
    '%s --help names every default config name the CLI looks for',
    async (command) => {
      const { stdout } = await runInProc([command, '--help'])
      expect(stdout).toMatch(
        /^ {2}-c, --config FILE {5}config file \(default: the first of \.\/chat\.config\.\{ts,mts,js,mjs\} present\)$/m,
      )
    },
  )
})

describe('--help beside a mistake, in process', () => {
  it.each([
    [['send', '--bogus', '--help'], /^Usage: chat send TARGET/],
    [['listen', '--count', 'x', '-h'], /^Usage: chat listen/],
    [['serve', 'stray', '--help'], /^Usage: chat serve/],
    [['--bogus', '--help'], /^chat \d+\.\d+\.\d+: a scriptable UDP chat/],
  ])('%j: the help wins, on stdout, exit 0', async (argv, help) => {
    const exit = await runInProc(argv)
    expect(exit.stdout).toMatch(help)
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
  })
})

describe('two codecs in a config, in process', () => {
  it('is a config error naming both: the second would do nothing; --encoding puts one in place of both', async () => {
    const config = writeConfig(
      `import { codec, logger } from '@/plugins/index.ts'\nexport default { plugins: [codec('utf-8'), logger(), codec('gbk')] }`,
    )
    expect(await usageError(['plugins', '-c', config])).toBe(
      `${config}: plugins[2]: a second codec; the first (plugins[0]) decodes and encodes every datagram, ` +
        'so keep one (or give the encoding with --encoding)',
    )
    const replaced = await runInProc(['plugins', '-c', config, '--encoding', 'gbk'])
    expect(replaced.code).toBe(0)
    expect(replaced.stdout).toMatch(/^2 plugins .*\n  1\. codec \(pre\) .* 'gbk'\n  2\. logger /)
  })
})
