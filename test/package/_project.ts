import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The files of a fresh project that uses udpchat, as the README's "Use it in your own project" has them. */
export const files = {
  // A custom plugin with typed options (valibot comes from udpchat as `v`).
  'shout.ts': `import { definePlugin, v } from 'udpchat'

const Options = v.object({ times: v.optional(v.number(), 1), mark: v.optional(v.string(), '!') })

/** Answers each message in capitals, with \`times\` marks. */
export function shout(options: v.InferInput<typeof Options> = {}) {
  return definePlugin({
    name: 'shout',
    schema: Options,
    options,
    inbound(message, ctx) {
      const times: number = ctx.options.times
      const peer: string | undefined = message.meta.peer
      // @ts-expect-error: meta.peer is a string or undefined
      const wrong: number = message.meta.peer
      void [peer, wrong]
      ctx.reply(message, message.text.toUpperCase() + ctx.options.mark.repeat(times))
      return { ...message, text: \`shouted: \${message.text}\` }
    },
  })
}
`,
  'chat.config.ts': `import { defineConfig } from 'udpchat'
import { codec } from 'udpchat/plugins'
import { shout } from './shout.ts'

export default defineConfig({
  host: '127.0.0.1',
  plugins: [codec('utf-8'), shout({ times: 2 })],
})

// A misspelled option is a type error (never called: it only has to type-check).
// @ts-expect-error: 'tims' does not exist
void (() => shout({ tims: 2 }))
`,
  'shout.test.ts': `import { expect, it } from 'vitest'
import { createTestChat } from 'udpchat/testing'
import { shout } from './shout.ts'

it('shouts back', async () => {
  const t = await createTestChat([shout({ times: 3 })])
  ;(await t.peer().send('hi')).expectReply('HI!!!')
  await t.close()
})
`,
  // The library from a plain script: createChat over real UDP, with a plugin.
  'script.mjs': `import { createChat, definePlugin, resolveConfig } from 'udpchat'
import { uppercaseEcho } from 'udpchat/plugins'
import { getRuntimeKey } from 'udpchat/transport'

const seen = definePlugin({ name: 'seen', inbound: () => {} })
const chat = await createChat({ config: resolveConfig({ host: '127.0.0.1', port: 0, plugins: [uppercaseEcho(), seen] }) })
const client = await createChat({
  config: resolveConfig({ host: '127.0.0.1', port: 0 }),
  onEvent(event) {
    if (event.type !== 'message') return
    console.log(getRuntimeKey() + ' ' + event.message.text)
    Promise.all([client.close(), chat.close()]).then(() => process.exit(0))
  },
})
await client.send('hello', chat.local)
`,
}

/** The same config and plugin in a CommonJS project (\`npm init -y\`): ES modules are `.mts` there. */
export const commonjsFiles = {
  'shout.mts': files['shout.ts'],
  'chat.config.mts': files['chat.config.ts'].replace("'./shout.ts'", "'./shout.mts'"),
}

/** A config with a misspelled option and no `@ts-expect-error`: tsc must refuse it. */
export const typo = `import { defineConfig } from 'udpchat'
import { relay } from 'udpchat/plugins'
export default defineConfig({ plugins: [relay({ maxMembrs: 3 })] })
`

/**
 * package-lock.json for a project that depends on the packed tarball: udpchat's dependencies
 * pinned as the checkout's own lock has them, so `npm ci --offline` installs from the npm cache.
 */
export function lockFor(root: string, tarball: string, integrity: string): object {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const ours = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages as Record<string, any>
  const packages: Record<string, unknown> = {
    '': { name: 'fresh', dependencies: { udpchat: `file:${tarball}` } },
    'node_modules/udpchat': {
      version: pkg.version,
      resolved: `file:${tarball}`,
      integrity,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
    },
  }
  const queue = Object.keys(pkg.dependencies)
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const key = `node_modules/${name}`
    if (key in packages) continue
    const entry = ours[key]
    if (!entry) throw new Error(`${name} is not in package-lock.json`)
    packages[key] = { ...entry, dev: undefined, devOptional: undefined }
    queue.push(...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}))
  }
  return { name: 'fresh', lockfileVersion: 3, requires: true, packages }
}

export function writeFiles(dir: string, entries: Record<string, string>): void {
  mkdirSync(dir, { recursive: true })
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, name), text)
}

export { run }
