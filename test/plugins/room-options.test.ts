import { describe, expect, it } from 'vitest'
import { resolveConfig, type Plugin } from '../../core/index.ts'
import { fresh } from '../helpers/fresh.ts'

// The room plugins' options as a config gets them: the documented defaults, and a one-line error
// naming what is wrong. Each test loads the plugins afresh (see fresh.ts): their schemas are module-level.
const plugins = () => fresh(() => import('../../plugins/index.ts'))

function settings(plugin: Plugin<any>): Record<string, unknown> {
  return resolveConfig({ plugins: [plugin] }).plugins[0]!.options as Record<string, unknown>
}

/** What is wrong with the plugin's options, as the config error says it (without `config: plugins[0].`). */
function problem(plugin: Plugin<any>): string {
  try {
    resolveConfig({ plugins: [plugin] })
  } catch (error) {
    return (error as Error).message.replace(/^config: plugins\[0\]\./, '').replace(/, got .*$/, '')
  }
  return 'accepted'
}

describe('relay() options', () => {
  it('defaults to an open room, 60 s timeout, `{from}: {text}`, 10,000 members, 16 per address, lines of 1,024', async () => {
    const { relay } = await plugins()
    expect(settings(relay())).toEqual({
      members: 'open',
      timeout: 60,
      format: '{from}: {text}',
      maxMembers: 10_000,
      maxPerAddress: 16,
      maxLine: 1024,
      heartbeat: '^hb^',
      quit: 'quit',
      bye: 'Bye!',
      full: 'The room is full.',
    })
  })

  it('takes the smallest values allowed and a format function', async () => {
    const { relay } = await plugins()
    const format = () => ''
    const edge = { members: 'proven', timeout: 0.01, format, maxMembers: 1, maxPerAddress: 1, maxLine: 1 } as const
    expect(settings(relay(edge))).toMatchObject(edge)
  })

  it('says what is wrong with a bad option', async () => {
    const { relay } = await plugins()
    const bad = (options: object) => problem(relay(options as never))
    expect(bad({ members: 'closed' })).toBe("members: expected 'open' or 'proven'")
    expect(bad({ timeout: 0 })).toBe('timeout: expected a number of seconds above 0')
    expect(bad({ timeout: '5' })).toBe('timeout: expected a number of seconds')
    expect(bad({ format: 5 })).toBe('format: expected a template string such as `{from}: {text}`, or a function')
    // A misspelled field would go out as it is, in every line of the room.
    expect(bad({ format: '{form}: {text}' })).toBe(
      'format: expected a template of {from}, {text}, {host} and {port} (`{form}` is none of them; did you mean `{from}`?)',
    )
    expect(bad({ format: '[{host}:{port}] {from} {text} {x' })).toBe('accepted')
    expect(bad({ maxMembers: 1.5 })).toBe('maxMembers: expected a whole number')
    expect(bad({ maxPerAddress: 0 })).toBe('maxPerAddress: expected a whole number of 1 or more')
    expect(bad({ maxLine: 0 })).toBe('maxLine: expected a whole number of 1 or more')
    for (const word of ['heartbeat', 'quit', 'bye', 'full'])
      expect(bad({ [word]: 1 })).toBe(`${word}: expected a string`)
  })
})

describe('heartbeat() options', () => {
  it('defaults to ^hb^ every 10 s, quit, Bye!, silent after 3 intervals, not proven', async () => {
    const { heartbeat } = await plugins()
    expect(settings(heartbeat({ to: 'room' }))).toEqual({
      to: 'room',
      interval: 10,
      text: '^hb^',
      quit: 'quit',
      bye: 'Bye!',
      silentAfter: 3,
      proven: false,
    })
    const to = { host: '::1', port: 65535, family: 'IPv6' } as const
    const edge = { to, interval: 0.01, quit: false, silentAfter: 1, proven: true } as const
    expect(settings(heartbeat(edge))).toMatchObject(edge)
    expect(settings(heartbeat({ to: { ...to, port: 0, family: 'IPv4' } }))).toMatchObject({ to: { port: 0 } })
  })

  it('says what is wrong with a bad option', async () => {
    const { heartbeat } = await plugins()
    const bad = (options: object) => problem(heartbeat({ to: 'room', ...options } as never))
    const to = 'to: expected a contact name, HOST:PORT, or { host, port, family }'
    expect(bad({ to: 5 })).toBe(to)
    expect(bad({ to: '' })).toBe(to)
    const address = (more: object) => bad({ to: { host: 'h', port: 1, family: 'IPv4', ...more } })
    for (const port of [1.5, -1, 65536])
      expect(address({ port }), `${port}`).toBe('to.port: expected a port number from 0 to 65535')
    // An address object that is wrong in one field is told by that field.
    expect(address({ family: 'IPX' })).toBe('to.family: expected ("IPv4" | "IPv6")')
    expect(address({ host: 1 })).toBe('to.host: expected string')
    expect(address({ port: '1' })).toBe('to.port: expected a port number')
    expect(bad({ interval: 0 })).toBe('interval: expected a number of seconds above 0')
    expect(bad({ interval: 'often' })).toBe('interval: expected a number of seconds')
    expect(bad({ text: 1 })).toBe('text: expected a string')
    expect(bad({ quit: true })).toBe('quit: expected a string or false')
    expect(bad({ bye: 1 })).toBe('bye: expected a string')
    expect(bad({ silentAfter: 1.5 })).toBe('silentAfter: expected a whole number')
    expect(bad({ silentAfter: 0 })).toBe('silentAfter: expected a whole number of 1 or more')
    expect(bad({ proven: 'yes' })).toBe('proven: expected true or false')
    expect(bad({ onStatus: 'log' })).toBe('onStatus: expected a function')
    expect(bad({ onStatus: () => {} })).toBe('accepted')
  })
})

describe('presence() options', () => {
  it('defaults to announcing to 255.255.255.255:7788 every 5 s, keeping 1,024 members, 4 per address', async () => {
    const { presence } = await plugins()
    expect(settings(presence())).toEqual({
      to: '255.255.255.255:7788',
      every: 5000,
      maxMembers: 1024,
      maxPerAddress: 4,
    })
    const edge = { name: 'x'.repeat(32), every: 50, forgetAfter: 1, maxMembers: 1 }
    expect(settings(presence(edge))).toMatchObject(edge)
  })

  it('says what is wrong with a bad option', async () => {
    const { presence } = await plugins()
    const bad = (options: object) => problem(presence(options as never))
    expect(bad({ name: 5 })).toBe('name: expected a nickname (string)')
    for (const name of ['', 'x'.repeat(33), 'a\nb', 'a\x7f'])
      expect(bad({ name }), name).toBe('name: expected a nickname of 1-32 printable characters')
    expect(bad({ to: '' })).toBe('to: expected HOST:PORT or a contact name')
    expect(bad({ to: 5 })).toBe('to: expected HOST:PORT or a contact name')
    expect(bad({ every: 49 })).toBe('every: expected at least 50 ms')
    expect(bad({ every: 'often' })).toBe('every: expected a number of milliseconds')
    expect(bad({ every: 50.5 })).toBe('every: expected a whole number of milliseconds')
    expect(bad({ forgetAfter: 0 })).toBe('forgetAfter: expected a whole number of milliseconds, 1 or more')
    expect(bad({ forgetAfter: 1.5 })).toBe('forgetAfter: expected a whole number of milliseconds')
    expect(bad({ forgetAfter: '1' })).toBe('forgetAfter: expected a number of milliseconds')
    expect(bad({ maxMembers: 0 })).toBe('maxMembers: expected a whole number of 1 or more')
    expect(bad({ maxMembers: 1.5 })).toBe('maxMembers: expected a whole number')
    expect(bad({ maxMembers: '5' })).toBe('maxMembers: expected a whole number')
    expect(bad({ maxPerAddress: 0 })).toBe('maxPerAddress: expected a whole number of 1 or more')
    expect(bad({ maxPerAddress: 1.5 })).toBe('maxPerAddress: expected a whole number')
    expect(bad({ maxPerAddress: '5' })).toBe('maxPerAddress: expected a whole number')
  })
})

describe('signed() options', () => {
  it('takes secrets of 16 characters or more, named or not, and key ids of 1-64 printable characters', async () => {
    const { signed } = await plugins()
    const keys = { a: 'x'.repeat(16), ['~'.repeat(64)]: { secret: 'y'.repeat(16), name: 'n' } }
    expect(settings(signed({ keys, as: 'a' }))).toEqual({ keys, as: 'a' })
  })

  it('says what is wrong with a bad option', async () => {
    const { signed } = await plugins()
    const bad = (options: object) => problem(signed(options as never))
    const secret = 'a secret 0123456789'
    expect(bad({ keys: {}, as: 'a' })).toMatch(/^keys: expected at least one key/)
    expect(bad({ keys: { a: secret }, as: 'b' })).toBe('as: expected the id of one of `keys`')
    expect(bad({ keys: { a: 'x'.repeat(15) }, as: 'a' })).toBe(
      'keys.a: expected a secret of 16 characters or more (e.g. `openssl rand -base64 32`)',
    )
    expect(bad({ keys: { a: 5 }, as: 'a' })).toBe('keys.a: expected a secret, or { secret, name }')
    expect(bad({ keys: { a: { secret: 5 } }, as: 'a' })).toBe('keys.a.secret: expected a secret (string)')
    expect(bad({ keys: { a: { secret, name: 5 } }, as: 'a' })).toBe('keys.a.name: expected a name')
    expect(bad({ keys: { a: { secret, name: '' } }, as: 'a' })).toBe(
      'keys.a.name: expected a name of 1 character or more',
    )
    for (const id of ['a b', 'x'.repeat(65), 'é'])
      expect(bad({ keys: { [id]: secret }, as: id }), id).toMatch(
        /a key id of 1-64 printable ASCII characters, no spaces/,
      )
  })

  it('shows the `as` it got, and of a short secret only its length (secrets stay out of terminals and logs)', async () => {
    const { signed } = await plugins()
    const whole = (options: object) => {
      try {
        resolveConfig({ plugins: [signed(options as never)] })
      } catch (error) {
        return (error as Error).message
      }
      return 'accepted'
    }
    expect(whole({ keys: { a: 'x'.repeat(16) }, as: 'carol' })).toBe(
      'config: plugins[0].as: expected the id of one of `keys`, got `"carol"` (string)',
    )
    expect(whole({ keys: { a: 'short' }, as: 'a' })).toBe(
      'config: plugins[0].keys.a: expected a secret of 16 characters or more (e.g. `openssl rand -base64 32`), got 5 characters',
    )
    expect(whole({ keys: { a: { secret: 'short' } }, as: 'a' })).toMatch(/keys\.a\.secret: .*, got 5 characters$/)
    // Not a string: nothing to hide, the value is shown as any other.
    expect(whole({ keys: { a: { secret: 5 } }, as: 'a' })).toMatch(
      /keys\.a\.secret: expected a secret \(string\), got `5` \(number\)$/,
    )
  })
})
