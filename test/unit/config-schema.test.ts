import { describe, expect, it } from 'vitest'
import { definePlugin, v, type StandardSchema } from '../../core/index.ts'
import { fresh } from '../helpers/fresh.ts'

// The config schema, read from a config.ts loaded afresh inside each test (test/helpers/fresh.ts):
// its schemas are module-level constants, which mutation testing reaches only this way. Each
// case says what a user sees; test/unit/config-errors.test.ts has the same kinds through the
// module as the program loads it.
const load = () => fresh(() => import('../../core/config.ts'))

async function message(input: unknown): Promise<string> {
  const { resolveConfig } = await load()
  try {
    resolveConfig(input, 'x.ts')
  } catch (error) {
    expect(error).toMatchObject({ code: 'E_CONFIG' })
    return (error as Error).message
  }
  return 'accepted'
}

describe('the config schema (module loaded afresh)', () => {
  it('fills in every default', async () => {
    const { resolveConfig } = await load()
    expect(resolveConfig({})).toEqual({
      file: undefined,
      host: '0.0.0.0',
      port: 7788,
      peers: {},
      plugins: [],
      recvBufferSize: 1024 * 1024,
      limits: {
        perSource: { rate: 100, burst: 200 },
        answers: { rate: 100, burst: 50 },
        amplification: 3,
        allowance: 256,
        lanes: false,
      },
    })
  })

  it('takes the edges of each range and the forms of a group', async () => {
    const { resolveConfig } = await load()
    const config = resolveConfig({
      host: '::',
      port: 65535,
      recvBufferSize: 2 ** 31 - 1,
      to: 'bob',
      peers: { bob: '10.0.0.1:1' },
      plugins: [false, null, undefined],
      group: '239.1.2.3:5000',
    })
    expect(config).toMatchObject({ host: '::', port: 65535, recvBufferSize: 2 ** 31 - 1, plugins: [] })
    expect(config.group).toEqual({ address: '239.1.2.3:5000' })
    const group = { address: '[ff02::1]:5000', interface: '::1', ttl: 255, loopback: false }
    expect(resolveConfig({ port: 0, recvBufferSize: 0, group }).group).toEqual(group)
  })

  it.each([
    [{ host: '' }, 'x.ts: host: expected a host address, got `""` (string)'],
    [{ host: 7 }, 'x.ts: host: expected a host address (string), got `7` (number)'],
    [{ port: 65536 }, 'x.ts: port: expected an integer 0-65535, got `65536` (number)'],
    [{ port: -1 }, 'x.ts: port: expected an integer 0-65535, got `-1` (number)'],
    [{ port: 2.5 }, 'x.ts: port: expected an integer 0-65535, got `2.5` (number)'],
    [{ to: '' }, 'x.ts: to: expected a contact name or HOST:PORT, got `""` (string)'],
    [{ to: 2 }, 'x.ts: to: expected a contact name or HOST:PORT, got `2` (number)'],
    [{ peers: { '': '10.0.0.1:1' } }, 'x.ts: peers[""]: expected a contact name, not empty, got `""` (string)'],
    [{ peers: { bob: 'x' } }, 'x.ts: peers.bob: expected HOST:PORT (e.g. 192.168.1.20:7788), got `"x"` (string)'],
    [{ peers: { bob: 5 } }, 'x.ts: peers.bob: expected HOST:PORT (e.g. 192.168.1.20:7788), got `5` (number)'],
    [{ recvBufferSize: 2 ** 31 }, 'x.ts: recvBufferSize: expected a size in bytes, got `2147483648` (number)'],
    [{ plugins: [true] }, 'x.ts: plugins[0]: expected a plugin object, got `true` (boolean)'],
    [{ plugins: [[]] }, 'x.ts: plugins[0]: expected a plugin object, got an array of 0'],
    [{ plugins: [{ name: 1 }] }, 'x.ts: plugins[0].name: expected a plugin name (string), got `1` (number)'],
    [{ plugins: [{ name: '' }] }, 'x.ts: plugins[0].name: expected a non-empty plugin name, got `""` (string)'],
    [
      { plugins: [{ name: 'p', enforce: 'x' }] },
      'x.ts: plugins[0].enforce: expected `pre` or `post`, got `"x"` (string)',
    ],
    [
      { plugins: [{ name: 'p', onError: 'x' }] },
      'x.ts: plugins[0].onError: expected `skip` or `drop`, got `"x"` (string)',
    ],
    [{ plugins: [{ name: 'p', sent: 1 }] }, 'x.ts: plugins[0].sent: expected a function, got `1` (number)'],
    [
      { group: { address: '10.0.0.1:5000' } },
      'x.ts: group.address: expected a multicast GROUP:PORT such as 239.1.2.3:5000, got `"10.0.0.1:5000"` (string)',
    ],
    [
      { group: 7 },
      'x.ts: group: expected a multicast GROUP:PORT, or { address, interface?, ttl?, loopback? }, got `7` (number)',
    ],
    [
      { group: { address: '239.1.2.3:5000', interface: 1 } },
      'x.ts: group.interface: expected an interface address (string), got `1` (number)',
    ],
    [
      { group: { address: '239.1.2.3:5000', interface: '' } },
      'x.ts: group.interface: expected an interface address, got `""` (string)',
    ],
    [{ group: { address: '239.1.2.3:5000', ttl: -1 } }, 'x.ts: group.ttl: expected a TTL 0-255, got `-1` (number)'],
    [
      { group: { address: '239.1.2.3:5000', loopback: 1 } },
      'x.ts: group.loopback: expected true or false, got `1` (number)',
    ],
    [null, 'x.ts: (top level): expected an object (`export default defineConfig({ ... })`), got `null`'],
  ])('%j: %s', async (input, expected) => {
    expect(await message(input)).toBe(expected)
  })

  it('accepted: the pre/post and skip/drop words, a function for each hook', async () => {
    const hooks = Object.fromEntries(
      ['setup', 'unwrap', 'decode', 'inbound', 'outbound', 'encode', 'wrap', 'sent', 'dispose'].map((h) => [
        h,
        () => {},
      ]),
    )
    for (const extra of [{ enforce: 'pre' }, { enforce: 'post' }, { onError: 'skip' }, { onError: 'drop' }, hooks]) {
      expect(await message({ plugins: [{ name: 'p', ...extra }] })).toBe('accepted')
    }
  })
})

describe('resolveConfig(): rules after the schema', () => {
  it('takes `to` as HOST:PORT without a contact, and refuses one that is neither', async () => {
    const { resolveConfig } = await load()
    expect(resolveConfig({ to: '127.0.0.1:5000' }).to).toBe('127.0.0.1:5000')
    expect(() => resolveConfig({ to: 'bob' }, 'x.ts')).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        message: 'x.ts: to: expected a contact name from `peers` or HOST:PORT, got `bob`',
      }),
    )
  })

  it("refuses an unknown option of a plugin's schema as a config error", async () => {
    const { resolveConfig } = await load()
    const p = definePlugin({ name: 'bot', schema: v.object({ word: v.string() }), options: { word: 'a', wrod: 'b' } })
    expect(() => resolveConfig({ plugins: [p] }, 'x.ts')).toThrow(
      expect.objectContaining({
        code: 'E_CONFIG',
        message: 'x.ts: plugins[0] (bot): unknown option `wrod`; did you mean `word`?',
      }),
    )
  })

  it("trusts a schema's vendor: another validator's schema goes through its own validate", async () => {
    const { resolveConfig } = await load()
    const other: StandardSchema<unknown, { n: number }> & { '~run': () => never } = {
      '~standard': { version: 1, vendor: 'other', validate: () => ({ value: { n: 1 } }) },
      '~run': () => {
        throw new Error('not valibot')
      },
    }
    expect(resolveConfig({ plugins: [definePlugin({ name: 'p', schema: other })] }).plugins[0]!.options).toEqual({
      n: 1,
    })
    const claims: StandardSchema<unknown, { n: number }> = {
      '~standard': { version: 1, vendor: 'valibot', validate: () => ({ value: { n: 2 } }) },
    }
    expect(resolveConfig({ plugins: [definePlugin({ name: 'p', schema: claims })] }).plugins[0]!.options).toEqual({
      n: 2,
    })
  })

  it('lists five issues with no tail line, six with "1 more"', async () => {
    const five = (await message({ host: 1, port: 'a', to: 2, recvBufferSize: 'b', peers: 3 })).split('\n')
    expect(five).toHaveLength(5)
    expect(five.filter((line) => line.includes('more'))).toEqual([])
    const six = (await message({ host: 1, port: 'a', to: 2, recvBufferSize: 'b', peers: 3, plugins: 4 })).split('\n')
    expect(six.at(-1)).toBe('x.ts: ... and 1 more')
  })

  it('says "got nothing" for a missing tuple item or a check on nothing, and "missing" only for a key', async () => {
    const pair = definePlugin({
      name: 'p',
      schema: v.object({ pair: v.tuple([v.string('a string'), v.string('a string')]) }),
      options: { pair: ['a'] },
    })
    expect(await message({ plugins: [pair] })).toBe('x.ts: plugins[0].pair[1]: expected a string, got nothing')
    const checked = definePlugin({
      name: 'p',
      schema: v.object({
        word: v.pipe(
          v.optional(v.any()),
          v.check((x) => x !== undefined, 'a word'),
        ),
      }),
      options: { word: undefined },
    })
    expect(await message({ plugins: [checked] })).toBe('x.ts: plugins[0].word: expected a word, got nothing')
  })

  it('reports the first of the deepest issues of a union', async () => {
    expect(await message({ group: { address: '239.1.2.3:5000', ttl: 256, loopback: 'yes' } })).toBe(
      'x.ts: group.ttl: expected a TTL 0-255, got `256` (number)',
    )
  })
})

describe('formatIssue()', () => {
  it('without a prefix: a missing key at the top level, a wrong value at its path', async () => {
    const { formatIssue } = await fresh(() => import('../../core/config-errors.ts'))
    const missing = v.safeParse(v.object({ name: v.string() }), {})
    expect(missing.success).toBe(false)
    expect(formatIssue(missing.issues![0])).toBe('(top level): missing required key `name`')
    const wrong = v.safeParse(v.object({ name: v.string('a name') }), { name: 1 })
    expect(formatIssue(wrong.issues![0])).toBe('name: expected a name, got `1` (number)')
    const top = v.safeParse(v.string('text'), 1)
    expect(formatIssue(top.issues![0])).toBe('(top level): expected text, got `1` (number)')
  })
})
