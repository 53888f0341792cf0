import { describe, expect, it } from 'vitest'
import { definePlugin, resolveConfig, v, type StandardSchema } from '../../core/index.ts'

// The one-line errors of a config that does not validate: each key, what was expected, and the
// value as found, so a user sees what to change without a stack trace.
function message(input: unknown, file = 'x.ts'): string {
  try {
    resolveConfig(input, file)
  } catch (error) {
    expect(error).toMatchObject({ code: 'E_CONFIG' })
    return (error as Error).message
  }
  throw new Error('accepted')
}

describe('resolveConfig() errors, key by key', () => {
  it.each([
    [{ host: '' }, 'x.ts: host: expected a host address, got `""` (string)'],
    [{ host: 7 }, 'x.ts: host: expected a host address (string), got `7` (number)'],
    [{ port: 70000 }, 'x.ts: port: expected an integer 0-65535, got `70000` (number)'],
    [{ port: -1 }, 'x.ts: port: expected an integer 0-65535, got `-1` (number)'],
    [{ port: 1.5 }, 'x.ts: port: expected an integer 0-65535, got `1.5` (number)'],
    [{ port: '7788' }, 'x.ts: port: expected an integer 0-65535, got `"7788"` (string)'],
    [{ to: '' }, 'x.ts: to: expected a contact name or HOST:PORT, got `""` (string)'],
    [{ recvBufferSize: 2 ** 31 }, 'x.ts: recvBufferSize: expected a size in bytes, got `2147483648` (number)'],
    [{ recvBufferSize: -1 }, 'x.ts: recvBufferSize: expected a size in bytes, got `-1` (number)'],
    [{ peers: { '': '127.0.0.1:1' } }, 'x.ts: peers[""]: expected a contact name, not empty, got `""` (string)'],
    [{ plugins: {} }, 'x.ts: plugins: expected Array, got an object'],
    [null, 'x.ts: (top level): expected an object (`export default defineConfig({ ... })`), got `null`'],
    [[], 'x.ts: (top level): expected an object (`export default defineConfig({ ... })`), got an array of 0'],
  ])('%j: %s', (input, expected) => {
    expect(message(input)).toBe(expected)
  })

  it('accepts the edges of each range', () => {
    const config = resolveConfig({ port: 65535, recvBufferSize: 0, host: '::' })
    expect([config.port, config.recvBufferSize, config.host]).toEqual([65535, 0, '::'])
    expect(resolveConfig({ port: 0, recvBufferSize: 2 ** 31 - 1 }).recvBufferSize).toBe(2 ** 31 - 1)
    expect(resolveConfig({}).recvBufferSize).toBe(1024 * 1024)
  })

  it('says "config" when no file is named', () => {
    expect(() => resolveConfig({ port: -1 })).toThrow('config: port: expected an integer 0-65535, got `-1` (number)')
    expect(() => resolveConfig({ prot: 1 })).toThrow('config: unknown key `prot`; did you mean `port`?')
    expect(() => resolveConfig([])).toThrow('config: (top level): expected an object')
  })

  it('lists five issues, then how many more', () => {
    const lines = message({ host: 1, port: 'a', to: 2, recvBufferSize: 'b', peers: 3, plugins: 4, group: 5 }).split(
      '\n',
    )
    expect(lines).toHaveLength(6)
    expect(lines.slice(0, 5).every((line) => line.startsWith('x.ts: '))).toBe(true)
    expect(lines[5]).toBe('x.ts: ... and 2 more')
  })
})

describe('the limits and the group', () => {
  it.each([
    [
      { limits: { perSource: { rate: 0 } } },
      'x.ts: limits.perSource.rate: expected a rate per second above 0, got `0` (number)',
    ],
    [
      { limits: { answers: { rate: 1, burst: -1 } } },
      'x.ts: limits.answers.burst: expected a burst above 0, got `-1` (number)',
    ],
    [
      { limits: { perSource: { rate: 1, refused: 2 } } },
      'x.ts: limits.perSource.refused: expected a share from 0 to 1, got `2` (number)',
    ],
    [{ limits: { amplification: 0 } }, 'x.ts: limits.amplification: expected a factor above 0, got `0` (number)'],
    [{ limits: { allowance: -1 } }, 'x.ts: limits.allowance: expected a number of bytes, 0 or more, got `-1` (number)'],
    [{ limits: { lanes: 1.5 } }, 'x.ts: limits.lanes: expected a whole number of peers, 0 or more, got `1.5` (number)'],
    [
      { limits: { lanes: true } },
      'x.ts: limits.lanes: expected `false` or a count of peers, 0 or more, got `true` (boolean)',
    ],
    [
      { limits: { perSource: true } },
      'x.ts: limits.perSource: expected `false` or `{ rate, burst?, refused? }`, got `true` (boolean)',
    ],
    [{ limits: { pre: 1 } }, 'x.ts: limits: unknown key `pre`'],
    [
      { group: '10.0.0.1:5000' },
      'x.ts: group: expected a multicast GROUP:PORT, or { address, interface?, ttl?, loopback? }, got `"10.0.0.1:5000"` (string)',
    ],
    [{ group: { address: '239.1.2.3:5000', ttl: 256 } }, 'x.ts: group.ttl: expected a TTL 0-255, got `256` (number)'],
    [
      { group: { address: '239.1.2.3:5000', interface: '' } },
      'x.ts: group.interface: expected an interface address, got `""` (string)',
    ],
    [
      { group: { address: '239.1.2.3:5000', loopback: 'yes' } },
      'x.ts: group.loopback: expected true or false, got `"yes"` (string)',
    ],
    [
      { group: 42 },
      'x.ts: group: expected a multicast GROUP:PORT, or { address, interface?, ttl?, loopback? }, got `42` (number)',
    ],
  ])('%j: %s', (input, expected) => {
    expect(message(input)).toBe(expected)
  })

  it('fills in the limits and reads a group as a string or with options', () => {
    expect(resolveConfig({}).limits).toEqual({
      perSource: { rate: 100, burst: 200 },
      answers: { rate: 100, burst: 50 },
      amplification: 3,
      allowance: 256,
      lanes: false,
    })
    expect(resolveConfig({ limits: { perSource: false, amplification: false } }).limits).toMatchObject({
      perSource: false,
      amplification: false,
    })
    expect(resolveConfig({ group: '239.1.2.3:5000' }).group).toEqual({ address: '239.1.2.3:5000' })
    const group = { address: '239.1.2.3:5000', interface: '127.0.0.1', ttl: 0, loopback: false }
    expect(resolveConfig({ group }).group).toEqual(group)
    expect(resolveConfig({ group: { address: '239.1.2.3:5000', ttl: 255 } }).group?.ttl).toBe(255)
  })
})

describe('plugins that are not plugins', () => {
  const factory = function relay() {
    return definePlugin({ name: 'relay' })
  }

  it.each([
    [
      [factory],
      'x.ts: plugins[0]: expected a plugin object (call the plugin factory: `relay()`, not `relay`), got a function',
    ],
    [['relay'], 'x.ts: plugins[0]: expected a plugin object, got `"relay"` (string)'],
    [[[]], 'x.ts: plugins[0]: expected a plugin object, got an array of 0'],
    [[{ name: '' }], 'x.ts: plugins[0].name: expected a non-empty plugin name, got `""` (string)'],
    [[{}], 'x.ts: plugins[0]: missing required key `name`'],
    [[{ name: 'p', enforce: 'first' }], 'x.ts: plugins[0].enforce: expected `pre` or `post`, got `"first"` (string)'],
    [
      [{ name: 'p', onError: 'ignore' }],
      'x.ts: plugins[0].onError: expected `skip` or `drop`, got `"ignore"` (string)',
    ],
    [[{ name: 'p', inbound: 'x' }], 'x.ts: plugins[0].inbound: expected a function, got `"x"` (string)'],
    [[{ name: 'p', wrap: /x/ }], 'x.ts: plugins[0].wrap: expected a function, got `/x/` (RegExp)'],
  ])('%s: %s', (plugins, expected) => {
    expect(message({ plugins })).toBe(expected)
  })

  it('skips false, null and undefined, and keeps the object the config made', () => {
    const p = definePlugin({ name: 'p', extra: 1 } as never)
    const config = resolveConfig({ plugins: [false, null, undefined, p] })
    expect(config.plugins).toHaveLength(1)
    expect(config.plugins[0]!.plugin).toBe(p)
  })
})

describe("a plugin's options", () => {
  it('names the plugin and the path of a valibot issue in its options, the value as found', () => {
    const p = definePlugin({
      name: 'bot',
      schema: v.object({ rules: v.array(v.tuple([v.string('a string'), v.string('a string')])) }),
      options: {
        rules: [
          ['a', 'b'],
          ['c', 42],
        ],
      },
    })
    expect(message({ plugins: [p] })).toBe('x.ts: plugins[0].rules[1][1]: expected a string, got `42` (number)')
  })

  it('passes a plugin without a schema its options as they are', () => {
    const options = { any: 'thing' }
    expect(resolveConfig({ plugins: [definePlugin({ name: 'p', options })] }).plugins[0]!.options).toBe(options)
  })

  it('refuses a Standard Schema that validates asynchronously', () => {
    const schema: StandardSchema<unknown, unknown> = {
      '~standard': { version: 1, vendor: 'slow', validate: async (value) => ({ value }) },
    }
    expect(message({ plugins: [definePlugin({ name: 'p', schema, options: {} })] })).toBe(
      'x.ts: plugins[0] (p): its schema validates asynchronously; options are checked before the chat starts, so it must not',
    )
  })

  it('reports at most five Standard Schema issues, with numeric and keyed path parts', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({ message: `bad ${i}`, path: [{ key: 'list' }, i] }))
    const schema: StandardSchema<unknown, unknown> = {
      '~standard': { version: 1, vendor: 'hand-made', validate: () => ({ issues }) },
    }
    const noPath: StandardSchema<unknown, unknown> = {
      '~standard': { version: 1, vendor: 'hand-made', validate: () => ({ issues: [{ message: 'no' }] }) },
    }
    expect(message({ plugins: [definePlugin({ name: 'p', schema, options: {} })] }).split('\n')).toEqual(
      [0, 1, 2, 3, 4].map((i) => `x.ts: plugins[0] (p).list[${i}]: bad ${i}`),
    )
    expect(message({ plugins: [definePlugin({ name: 'q', schema: noPath, options: {} })] })).toBe(
      'x.ts: plugins[0] (q): no',
    )
  })
})
