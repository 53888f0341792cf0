import { describe, expect, it } from 'vitest'
import { parseCount, parseFlags, parseSeconds } from '../../cli/_args.ts'
import { spec as listen } from '../../cli/commands/listen.ts'
import { runInProc } from '../helpers/inproc.ts'

// The help as a user reads it, written out: the tables and the layout both show in it.
const SEND_HELP = String.raw`
Usage: chat send TARGET TEXT... [--wait MS] [--count N] [--repeat N] [--every MS]
       chat send TARGET -          (one datagram per line of stdin)

Sends one datagram to TARGET (a contact name from the config, HOST:PORT, or a bare PORT
on 127.0.0.1), prints what comes back within --wait, and exits. The socket binds port 0
unless --port says otherwise. A TEXT that starts with hex: is bytes written in hex
(hex:68 69 0d 0a; spaces, 0x and \x are forgiven), sent exactly as written.
Of the config (--config, or chat.config.* here), it uses the contacts, the host, and the
plugins that shape the wire (a codec, a signed room's keys); bots, relays and the
transcript belong to the chat or server the config describes, and do not run here.

Options (before or after the command):
      --wait MS         after the last send, print what arrives for MS milliseconds
                        (default: 1000 when stdout is a terminal, else 0; with --count, no limit)
  -n, --count N         stop waiting after N messages; exit 1 if fewer came within --wait
      --eol EOL         end each datagram with lf (\n), crlf (\r\n) or none (default: none)
      --repeat N        send the text N times (placeholders: {seq} = 1, 2, ..., {time} = HH:MM:SS)
      --every MS        time between repeated sends (default 1000; without --repeat: until Ctrl-C)
  -c, --config FILE     config file (default: the first of ./chat.config.{ts,mts,js,mjs} present)
  -e, --encoding NAME   text encoding on the wire: utf-8, gbk, gb18030, big5, shift_jis, latin1...
      --host HOST       address to bind (default: the config's, else 0.0.0.0)
  -p, --port PORT       port to bind; 0 = any free port
      --json            one JSON object per line on stdout: listening, message, sent, drop, error,
                        status, guard, trace (--trace), watching and reload (--watch, /reload),
                        joined and relay (join)
      --hex             show each datagram as a hex dump with the ASCII beside it
      --trace           for each message, every hook that saw it: what it did, how long it took
      --verbose         more detail: sends, drops, stack traces
  -q, --quiet           only messages and errors
  -h, --help            this help
`.slice(1)

describe('--help text, as written', () => {
  it('chat send --help: both usage lines, the text, every flag aligned, long helps wrapped', async () => {
    expect(await runInProc(['send', '--help'])).toEqual({ code: 0, stdout: SEND_HELP, stderr: '' })
  })

  it("-qh: the interactive chat's own help, its slash commands between blank lines", async () => {
    const { stdout } = await runInProc(['-qh'])
    expect(stdout).toMatch(
      /^Usage: chat \[--to TARGET\]\n {7}chat --group GROUP:PORT\n\nThe interactive, full-duplex chat: /,
    )
    expect(stdout).toMatch(/ \(plus --linger ms\)\.\n\nCommands while chatting:\n {2}\/to TARGET {6}talk/)
    expect(stdout).toMatch(/typo of ours\)\n\nOptions \(before or after the command\):\n {2}-t, --to TARGET {7}whom/)
    expect(stdout).toMatch(/\n {2}-v, --version {9}print the version\n$/)
  })
})

describe('flag values, at their edges', () => {
  it('counts: any number of digits, 1 or more', () => {
    expect(parseCount('12', '--count')).toBe(12)
    expect(() => parseCount('1x', '--count')).toThrow(/`1x`/)
  })

  it('seconds: above 0, fractions allowed, not blank', () => {
    expect(parseSeconds('0.5', '-i')).toBe(0.5)
    for (const bad of ['', ' ', '0', '-1', 'x', 'Infinity']) expect(() => parseSeconds(bad, '-i')).toThrow(/-i/)
  })

  it('--ttl: a whole number 0-255', () => {
    for (const [text, ttl] of [
      ['0', 0],
      ['12', 12],
      ['255', 255],
    ] as const)
      expect(parseFlags(listen, ['--ttl', text]).values.ttl).toBe(ttl)
    for (const bad of ['256', '1x', 'x1', '-1', ''])
      expect(() => parseFlags(listen, ['--ttl', bad]), bad).toThrow(/Expected --ttl to be a TTL 0-255/)
  })

  it('a value flag does not take a flag of the table as its value, but takes anything else', () => {
    expect(() => parseFlags(listen, ['--config', '--port=1'])).toThrow(/^--config needs a value/)
    expect(() => parseFlags(listen, ['--config', '-q'])).toThrow(/^--config needs a value/)
    expect(parseFlags(listen, ['--config', '-z']).values.config).toBe('-z')
    expect(parseFlags(listen, ['--config', '--nope']).values.config).toBe('--nope')
    expect(parseFlags(listen, ['--config', '-']).values.config).toBe('-')
    // Only a leading dash makes a flag: `q` (-q) in second place and a dash later do not.
    expect(parseFlags(listen, ['--config', 'xq-y']).values.config).toBe('xq-y')
  })

  it('keeps every = after the first in --name=value, and takes -pVALUE, -p=VALUE and -p-1 as a value', () => {
    expect(parseFlags(listen, ['--config=a=b']).values.config).toBe('a=b')
    expect(parseFlags(listen, ['-ca=b']).values.config).toBe('a=b')
    expect(parseFlags(listen, ['-c=a=b']).values.config).toBe('a=b')
    expect(parseFlags(listen, ['-p=7000']).values.port).toBe('7000')
    expect(() => parseFlags(listen, ['-p-1'])).toThrow(/^Expected -p to be an integer 0-65535, got `-1`/)
    expect(parseFlags(listen, ['-1']).positionals).toEqual(['-1'])
  })
})
