import { writeLine, type Cli } from '../_io.ts'
import { inspect } from 'node:util'
import { ChatError, describePlugins, orderPlugins, type PluginInfo } from '../_core.ts'
import { configFlags, defineCommand, formatHelp, helpFlag, parseFlags, refuseArguments } from '../_args.ts'
import { counted, styleOf } from '../_output.ts'
import { readConfig } from '../_config.ts'

export const spec = defineCommand({
  name: 'plugins',
  usage: ['plugins'],
  summary: "list the config's plugins in the order they run, with hooks and options",
  about: `Lists the plugins the config runs, in the order they run (\`enforce: 'pre'\` first, \`'post'\`
last), each with its hooks and options. Nothing is bound and no plugin is set up.
In the interactive chat, /plugins shows the plugins in effect.`,
  flags: {
    ...configFlags,
    json: { help: 'one JSON object per plugin on stdout' },
    verbose: { help: 'stack traces of errors' },
    ...helpFlag,
  },
})

export async function plugins(argv: string[], cli: Cli): Promise<number> {
  const { values, positionals } = parseFlags(spec, argv)
  if (values.help) return (void writeLine(cli.io.stdout, formatHelp(spec)), 0)
  refuseArguments(spec, positionals)
  const config = await readConfig(values, cli)
  const list = describePlugins(orderPlugins(config.plugins))
  if (values.json) {
    for (const info of list)
      writeLine(cli.io.stdout, JSON.stringify({ event: 'plugin', ...info, options: toJson(info.options) }))
    return 0
  }
  const source = config.file ? ` (${config.file})` : ''
  writeLine(
    cli.io.stdout,
    list.length
      ? `${counted(list.length, 'plugin')}${source}, in the order they run:\n${formatPlugins(list, styleOf(cli.io).dim)}`
      : `no plugins${source}`,
  )
  return 0
}

/** `  1. codec (pre)  decode, encode  "gbk"`: one line per plugin. */
export function formatPlugins(list: PluginInfo[], dim: (text: string) => string): string {
  const width = Math.max(0, ...list.map((p) => p.name.length + (p.enforce ? p.enforce.length + 3 : 0)))
  return list
    .map((p, i) => {
      const name = `${p.name}${p.enforce ? ` (${p.enforce})` : ''}`.padEnd(width)
      const hooks = p.hooks.map((h) => (p.off.includes(h) ? `${h} (off)` : h)).join(', ') || 'no hooks'
      const options =
        p.options === undefined
          ? ''
          : `  ${inspect(p.options, { depth: 4, breakLength: Infinity, compact: true, colors: false })}`
      return `  ${i + 1}. ${name}  ${dim(hooks)}${options}`
    })
    .join('\n')
}

/** Options as JSON can carry them: a RegExp as its source, a function by name. */
function toJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null, (_key, v: unknown) =>
      v instanceof RegExp ? String(v) : typeof v === 'function' ? `[function ${v.name || 'anonymous'}]` : v,
    ),
  )
}
