import { describe, expect, it } from 'vitest'
import { formatHelp, parseFlags, type CommandSpec } from '../../cli/_args.ts'
import { spec as listen } from '../../cli/commands/listen.ts'
import { spec as plugins } from '../../cli/commands/plugins.ts'
import { findCommand, usage } from '../../cli/main.ts'
import { spec as chat } from '../../cli/commands/chat.ts'
import { spec as join } from '../../cli/commands/join.ts'
import { spec as send } from '../../cli/commands/send.ts'
import { spec as serve } from '../../cli/commands/serve.ts'

const all: CommandSpec[] = [chat, send, listen, serve, join, plugins]

describe('parseFlags', () => {
  it('reads long, short, inline and grouped flags, and positionals around them', () => {
    const { values, positionals } = parseFlags(listen, [
      '-qn',
      '3',
      'x',
      '--port=0',
      '--json',
      '-c',
      'a.ts',
      '--',
      '--once',
    ])
    expect(values).toEqual({ quiet: true, count: 3, port: '0', json: true, config: 'a.ts' })
    expect(positionals).toEqual(['x', '--once'])
    expect(parseFlags(listen, ['-n5', '-']).values.count).toBe(5)
    expect(parseFlags(listen, ['-n5', '-']).positionals).toEqual(['-'])
  })

  it('gives a value flag the next argument even when it starts with a dash', () => {
    expect(() => parseFlags(listen, ['--port', '-1'])).toThrow(/^Expected --port to be an integer 0-65535, got `-1`$/)
    expect(() => parseFlags(listen, ['-p', '-1'])).toThrow(/^Expected -p to be an integer 0-65535, got `-1`$/)
  })

  it('says what is wrong in one line, with a did-you-mean', () => {
    const message = (argv: string[], spec: CommandSpec = listen) => {
      try {
        parseFlags(spec, argv)
      } catch (error) {
        return (error as Error).message
      }
      throw new Error(`accepted ${argv.join(' ')}`)
    }
    expect(message(['--prot', '1'])).toBe(
      'Unknown option `--prot`; did you mean `--port`? (chat listen --help lists the options)',
    )
    expect(message(['--bogus'])).toBe('Unknown option `--bogus` (chat listen --help lists the options)')
    expect(message(['-x'])).toBe('Unknown option `-x` (chat listen --help lists the options)')
    expect(message(['--config'])).toBe('--config needs a value: --config FILE (chat listen --help lists the options)')
    expect(message(['--config', '--json'])).toMatch(/^--config needs a value/)
    expect(message(['--json=yes'])).toMatch(/^--json takes no value, got `yes`/)
    expect(message(['--host', ''])).toMatch(/^Expected --host to be an address, got nothing/)
    expect(message(['--count', '0'])).toMatch(/^Expected --count to be a whole number of 1 or more, got `0`/)
    expect(message(['--port', '1'], plugins)).toMatch(/^Unknown option `--port` \(chat plugins/)
    for (const text of all.flatMap((spec) => [
      message(['--nope'], spec),
      message(['--port', 'x'], spec === plugins ? listen : spec),
    ])) {
      expect(text).not.toContain('\n')
    }
  })
})

describe('the option tables', () => {
  it('lists every flag of a command in its help but a hidden one, and only those', () => {
    for (const spec of all) {
      const listed = [...formatHelp(spec).matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)/gm)].map((m) => m[1])
      const offered = Object.entries(spec.flags).filter(([, flag]) => !('hidden' in flag && flag.hidden))
      expect(listed, spec.name).toEqual(offered.map(([name]) => name))
    }
    // Kept working for scripts, not offered: listen sends nothing itself.
    const hidden = all.flatMap((spec) =>
      Object.entries(spec.flags).flatMap(([name, flag]) =>
        'hidden' in flag && flag.hidden ? [`${spec.name} --${name}`] : [],
      ),
    )
    expect(hidden).toEqual(['listen --ttl', 'listen --no-loopback'])
    const top = [...usage().matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)/gm)].map((m) => m[1])
    expect(top).toEqual(Object.keys(chat.flags))
  })

  it('gives a flag one meaning in every command (so it can come before the command)', () => {
    const seen = new Map<string, string>()
    for (const spec of all) {
      for (const [name, flag] of Object.entries(spec.flags)) {
        const shape = `${flag.short ?? ''}/${flag.value === undefined ? 'switch' : 'value'}`
        expect(seen.get(name) ?? shape, `--${name} in ${spec.name}`).toBe(shape)
        seen.set(name, shape)
        if (flag.short) {
          expect(seen.get(`-${flag.short}`) ?? name, `-${flag.short} in ${spec.name}`).toBe(name)
          seen.set(`-${flag.short}`, name)
        }
      }
    }
  })
})

describe('findCommand', () => {
  it('finds the command after flags and their values', () => {
    expect(findCommand(['--config', 'x.ts', 'plugins'])).toMatchObject({ spec: plugins, rest: ['--config', 'x.ts'] })
    expect(findCommand(['-c', 'plugins', 'plugins'])).toMatchObject({ spec: plugins, rest: ['-c', 'plugins'] })
    expect(findCommand(['-qp', '7000', 'listen', '--once'])).toMatchObject({
      spec: listen,
      rest: ['-qp', '7000', '--once'],
    })
    expect(findCommand(['--port=7000', 'send', '1', 'hi'])).toMatchObject({
      spec: send,
      rest: ['--port=7000', '1', 'hi'],
    })
    expect(findCommand(['--to', 'send'])).toMatchObject({ spec: chat, rest: ['--to', 'send'] })
    expect(() => findCommand(['-q', 'lisen'])).toThrow(
      'Unknown command `lisen`; did you mean `listen`? (chat --help lists the commands)',
    )
    expect(findCommand(['-q', '--', 'x'])).toMatchObject({ spec: chat, rest: ['-q', '--', 'x'] })
  })
})
