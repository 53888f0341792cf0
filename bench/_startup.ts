import { spawn } from 'node:child_process'
import dgram from 'node:dgram'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { BenchOptions } from './_options.ts'
import { bench, chat, LIFTED, root, startServer, timed, type Runtime } from './_proc.ts'
import { measured, skipped, type Row } from './_report.ts'

const STARTUP = 'start-up'
const RELOAD = 'reload with --watch, 5 plugins'

async function times(runs: number, once: () => Promise<number>): Promise<number[]> {
  await once() // warm: jiti's compile cache, the OS file cache
  const samples: number[] = []
  for (let i = 0; i < runs; i++) samples.push(await once())
  return samples
}

/** `chat --version` and `chat serve` until it listens, on each runtime; `node -e 0` for scale. */
export async function startupCases(options: BenchOptions): Promise<Row[]> {
  const rows: Row[] = []
  const serveArgs = [
    'serve',
    '--config',
    `${bench}configs/echo.config.ts`,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--json',
  ]
  rows.push(
    measured(
      { id: 'startup.node', group: STARTUP, label: '`node -e 0`', unit: 'ms', note: 'reference' },
      await times(options.starts, async () => (await timed([process.execPath, ['-e', '0']])).ms),
    ),
  )
  for (const runtime of ['node', 'deno', 'bun'] as Runtime[]) {
    const target = (max: number) => (runtime === 'node' ? { target: { kind: 'max', max } as const } : {})
    rows.push(
      measured(
        {
          id: `startup.version.${runtime}`,
          group: STARTUP,
          label: `\`chat --version\` (${runtime})`,
          unit: 'ms',
          ...target(250),
        },
        await times(options.starts, async () => {
          const run = await timed(chat(runtime, ['--version']))
          if (run.code !== 0 || !/^\d+\.\d+\.\d+/.test(run.stdout))
            throw new Error(`chat --version (${runtime}) printed ${JSON.stringify(run.stdout)}, exit ${run.code}`)
          return run.ms
        }),
      ),
    )
    rows.push(
      measured(
        {
          id: `startup.serve.${runtime}`,
          group: STARTUP,
          label: `\`chat serve\` (echo config) until listening (${runtime})`,
          unit: 'ms',
          ...target(400),
        },
        await times(options.starts, async () => {
          const began = performance.now()
          const server = await startServer(chat(runtime, serveArgs), { env: { BENCH_LOG: '/dev/null' } })
          const ms = performance.now() - began
          await server.stop()
          return ms
        }),
      ),
    )
  }
  return rows
}

const tagModule = (n: number) =>
  `// Rewritten by the reload benchmark: each write is one reload.\nexport const tag = 'v${n}'\n`

function reloadConfig(tmp: string): string {
  const file = join(tmp, 'reload.config.ts')
  writeFileSync(join(tmp, 'tag.ts'), tagModule(0))
  writeFileSync(
    file,
    `import { definePlugin } from '${root}core/index.ts'
import { autoReply, codec, logger, uppercaseEcho } from '${root}plugins/index.ts'
import { tag } from './tag.ts'

const tagger = definePlugin({ name: 'tag', inbound(message) { message.meta.tag = tag } })
export default {
  ${LIFTED}
  plugins: [codec('utf-8'), logger({ file: ${JSON.stringify(join(tmp, 'reload.jsonl'))} }), tagger, autoReply({ rules: [[/^never$/, 'x']] }), uppercaseEcho()],
}
`,
  )
  return file
}

/**
 * `chat serve --watch` under a steady stream of datagrams (RATE a second, each answered by
 * uppercaseEcho): each write of a module the config imports must swap the plugins within 50 ms
 * and lose no datagram.
 */
export async function reloadCases(options: BenchOptions, tmp: string): Promise<Row[]> {
  const RATE = 2000
  const config = reloadConfig(tmp)
  const child = spawn(
    ...chat('node', ['serve', '--watch', '--json', '--config', config, '--port', '0', '--host', '127.0.0.1']),
    { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const events: Array<Record<string, any>> = []
  let wake: (() => void) | undefined
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (
      !line.startsWith('{"event":"reload"') &&
      !line.startsWith('{"event":"listening"') &&
      !line.startsWith('{"event":"watching"')
    )
      return
    events.push(JSON.parse(line) as Record<string, any>)
    wake?.()
  })
  const next = async (name: string, timeoutMs = 10_000): Promise<Record<string, any>> => {
    const until = performance.now() + timeoutMs
    for (;;) {
      const i = events.findIndex((e) => e.event === name)
      if (i >= 0) return events.splice(i, 1)[0]!
      if (performance.now() > until || child.exitCode !== null)
        throw new Error(`no "${name}" event from chat serve --watch\n${stderr.slice(-2000)}`)
      await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 50)))
    }
  }
  const socket = dgram.createSocket('udp4')
  let sent = 0
  let answered = 0
  let flood: ReturnType<typeof setInterval> | undefined
  try {
    const { port } = await next('listening')
    if (!(await next('watching').catch(() => undefined)))
      return [
        skipped(
          { id: 'reload.swap', group: RELOAD, label: 'swap after the save', unit: 'ms' },
          '--watch not available',
        ),
      ]
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
    socket.on('message', () => answered++)
    const batch = Buffer.from('x'.repeat(64))
    flood = setInterval(() => {
      for (let i = 0; i < RATE / 100; i++, sent++) socket.send(batch, port, '127.0.0.1')
    }, 10)
    const wall: number[] = []
    const reported: number[] = []
    await sleep(300)
    for (let n = 1; n <= options.starts; n++) {
      const began = performance.now()
      writeFileSync(join(tmp, 'tag.ts'), tagModule(n))
      const event = await next('reload')
      if (!event.ok) throw new Error(`reload failed: ${event.message}`)
      wall.push(performance.now() - began)
      if (typeof event.afterChangeMs === 'number') reported.push(event.afterChangeMs)
      await sleep(150)
    }
    clearInterval(flood)
    await sleep(300)
    return [
      measured(
        {
          id: 'reload.swap',
          group: RELOAD,
          label: 'file written -> "reload" event read (runner clock)',
          unit: 'ms',
          target: { kind: 'max', max: 50 },
        },
        wall,
      ),
      measured(
        { id: 'reload.reported', group: RELOAD, label: 'file event -> swap done (as chat reports it)', unit: 'ms' },
        reported,
      ),
      measured(
        {
          id: 'reload.lost',
          group: RELOAD,
          label: `datagrams lost at ${RATE}/s across ${options.starts} reloads`,
          unit: 'datagrams',
          target: { kind: 'max', max: 0 },
          extra: { sent, answered },
        },
        [sent - answered],
      ),
    ]
  } finally {
    clearInterval(flood)
    socket.close()
    child.kill('SIGTERM')
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
