import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../core/load.ts'
import { defineConfig, definePlugin, isChatError, resolveConfig, v, type StandardSchema } from '../../core/index.ts'
import { autoReply, codec, logger } from '../../plugins/index.ts'

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}/chat.config.ts`, import.meta.url))

async function configError(name: string): Promise<string> {
  try {
    await loadConfig(fixture(name), { label: `${name}/chat.config.ts` })
  } catch (error) {
    if (isChatError(error) && error.code === 'E_CONFIG') return error.message
    throw error
  }
  throw new Error(`${name} loaded without an error`)
}

describe('loadConfig()', () => {
  it('names the file, the option, what was expected and what was found', async () => {
    expect(await configError('bad-port')).toBe(
      'bad-port/chat.config.ts: port: expected an integer 0-65535, got `"7788x"` (string)',
    )
  })

  it('reports a plugin option by its path in the plugins array', async () => {
    expect(await configError('bad-plugin-option')).toBe(
      'bad-plugin-option/chat.config.ts: plugins[2].rules[0][0]: expected a string or RegExp to match, got `42` (number)',
    )
  })

  it('says to call a plugin factory that was passed uncalled', async () => {
    expect(await configError('plugin-not-called')).toMatch(
      /plugins\[0\]: expected a plugin object \(call the plugin factory: `codec\(\)`, not `codec`\), got a function/,
    )
  })

  it('asks for a default export', async () => {
    expect(await configError('no-default')).toMatch(/no-default\/chat.config.ts: expected a default export/)
  })

  it('takes module.exports of a CommonJS config as its default export', async () => {
    const config = await loadConfig(fileURLToPath(new URL('../fixtures/commonjs/chat.config.cjs', import.meta.url)))
    expect(config.port).toBe(7799)
    expect(config.plugins.map((p) => [p.plugin.name, p.options])).toEqual([['codec', 'gbk']])
  })

  it('reports a syntax error as a config that cannot load', async () => {
    expect(await configError('syntax-error')).toMatch(/^syntax-error\/chat.config.ts: cannot load the config: /)
  })

  it('rejects an encoding that no codec knows', async () => {
    expect(await configError('bad-encoding')).toMatch(
      /plugins\[0\]: expected an encoding such as utf-8, gbk.*, got `"klingon"` \(string\)/,
    )
  })
})

describe('resolveConfig()', () => {
  it('fills in the defaults', () => {
    const config = resolveConfig(defineConfig({}))
    expect(config).toMatchObject({ host: '0.0.0.0', port: 7788, peers: {}, plugins: [] })
  })

  it('validates each plugin with its schema and keeps the output', () => {
    const config = resolveConfig(
      defineConfig({ plugins: [codec('GBK'), false, autoReply({ rules: [['ping', 'pong']] })] }),
    )
    expect(config.plugins.map((p) => p.plugin.name)).toEqual(['codec', 'autoReply'])
    expect(config.plugins[0]!.options).toBe('gbk')
    expect(config.plugins[1]!.options).toMatchObject({ maxReplies: 10, window: 1000 })
  })

  it('rejects a peer that is not HOST:PORT', () => {
    expect(() => resolveConfig({ peers: { alice: 'somewhere' } }, 'x.ts')).toThrow(
      'x.ts: peers.alice: expected HOST:PORT (e.g. 192.168.1.20:7788), got `"somewhere"` (string)',
    )
  })

  it('rejects a default target that is neither a contact nor HOST:PORT', () => {
    expect(() => resolveConfig({ to: 'bob', peers: { alice: '127.0.0.1:1' } }, 'x.ts')).toThrow(
      /x.ts: to: expected a contact name from `peers` or HOST:PORT, got `bob`/,
    )
  })
})

describe('unknown keys and missing options', () => {
  const message = (input: unknown) => {
    try {
      resolveConfig(input, 'x.ts')
    } catch (error) {
      return (error as Error).message
    }
    throw new Error('accepted')
  }

  it('refuses a key the config does not have, with a did-you-mean', () => {
    expect(message({ prot: 7000 })).toBe('x.ts: unknown key `prot`; did you mean `port`?')
    expect(message({ colour: true })).toBe('x.ts: unknown key `colour`')
  })

  it('refuses an option a built-in plugin does not have, naming the plugin', () => {
    expect(message({ plugins: [codec('utf-8'), logger({ flie: 'x.jsonl' } as never)] })).toBe(
      'x.ts: plugins[1] (logger): unknown option `flie`; did you mean `file`?',
    )
  })

  it('names a missing required option and its plugin', () => {
    const needsWords = definePlugin({
      name: 'needs-words',
      schema: v.object({ words: v.array(v.string()) }),
      options: {},
    })
    expect(message({ plugins: [needsWords] })).toBe('x.ts: plugins[0] (needs-words): missing required option `words`')
  })

  it('takes any Standard Schema, and reports its issues with the path', () => {
    const schema: StandardSchema<unknown, { n: number }> = {
      '~standard': {
        version: 1,
        vendor: 'hand-made',
        validate: (value) =>
          typeof (value as { n?: unknown })?.n === 'number'
            ? { value: value as { n: number } }
            : { issues: [{ message: 'n must be a number', path: ['n'] }] },
      },
    }
    expect(message({ plugins: [definePlugin({ name: 'p', schema, options: { n: 'x' } })] })).toBe(
      'x.ts: plugins[0] (p).n: n must be a number',
    )
    expect(
      resolveConfig({ plugins: [definePlugin({ name: 'p', schema, options: { n: 1 } })] }).plugins[0]!.options,
    ).toEqual({ n: 1 })
  })
})
