import { existsSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LoadResult } from './_load.ts'
import {
  bench,
  chat,
  cpuMs,
  havePython,
  NO_PYTHON,
  root,
  script,
  startServer,
  type Load,
  type Runtime,
  type Server,
} from './_proc.ts'
import { measured, skipped, type Row, type RowInput } from './_report.ts'
import { summary } from './_stats.ts'
import type { BenchOptions } from './_options.ts'

interface EchoServer {
  id: string
  label: string
  command: [string, string[]]
  /** The transcript the pipeline writes; emptied after each repetition. */
  log?: string
  /** What its echo row is compared with, and the target. */
  row: Omit<RowInput, 'id' | 'group' | 'label' | 'unit'>
  runtime: Runtime | 'python'
}

const PING = 'ping-pong, 1 outstanding'
/**
 * The load generator's clients: its own (connected, `send(buf)`), one like the tutorials'
 * (`sendto`), and that one with lower-case ASCII text (`lower`: every letter changes when
 * upper-cased), as issue 13's independent check sends. The others send mixed-case text.
 */
const CLIENTS = ['connected', 'sendto', 'lower'] as const
type Client = (typeof CLIENTS)[number]
const SENDTO = ', unconnected sendto client (as the tutorials)'
/** How each client's rows are named after `echo, 32 outstanding` or `ping-pong, 1 outstanding`. */
const HOW: Record<Client, { echo: string; ping: string }> = {
  connected: { echo: ', 64 B of mixed-case text', ping: '' },
  sendto: { echo: `, 64 B of mixed-case text${SENDTO}`, ping: SENDTO },
  lower: { echo: `, 64 B of lower-case ASCII text${SENDTO}`, ping: `${SENDTO}, lower-case ASCII text` },
}
const ECHO = `echo, 32 outstanding${HOW.connected.echo}`
/** Rows measured with every client: the raw baseline, the pipeline, Python. */
const BOTH = new Set(['echo.raw.node', 'echo.pipeline.node', 'echo.python'])
/** The id of a row for a client: the load generator's own keeps the plain id. */
const of = (client: Client, id: string) => (client === 'connected' ? id : `${client}.${id}`)

function pipeline(runtime: Runtime, tmp: string, denoNodeDgram = false): EchoServer {
  const name = denoNodeDgram ? 'deno-node-dgram' : runtime
  const log = join(tmp, `echo-${name}.jsonl`)
  const args = ['serve', '--config', `${bench}configs/echo.config.ts`, '--port', '0', '--host', '127.0.0.1']
  const row =
    runtime === 'node'
      ? { baseline: 'echo.raw.node', target: { kind: 'ratio', min: 0.9 } as const }
      : {
          baseline: 'echo.pipeline.node',
          target: runtime === 'deno' && !denoNodeDgram ? ({ kind: 'ratio', min: 0.45 } as const) : undefined,
          note: 'vs the pipeline on node',
        }
  const how =
    runtime === 'deno' ? (denoNodeDgram ? ', node:dgram fallback: no unstable net' : ', Deno.listenDatagram') : ''
  return {
    id: `echo.pipeline.${name}`,
    label: `udpchat serve: codec + logger(file) + uppercaseEcho (${runtime}${how})`,
    command: chat(runtime, args, [], denoNodeDgram),
    log,
    row,
    runtime,
  }
}

function raw(runtime: Runtime): EchoServer {
  const row = runtime === 'node' ? {} : { baseline: 'echo.raw.node', note: 'vs raw node' }
  return {
    id: `echo.raw.${runtime}`,
    label: `raw node:dgram echo (${runtime})`,
    command: script(runtime, '_raw-echo.ts'),
    row,
    runtime,
  }
}

const have = (runtime: Runtime) => runtime === 'node' || existsSync(`${root}node_modules/.bin/${runtime}`)

/**
 * The echo rows (raw and pipeline on each runtime, Python) and the ping-pong rows. The servers
 * run side by side, idle until their turn; repetitions go round all of them, so a slow minute
 * of the machine hits each one alike.
 */
export async function echoCases(options: BenchOptions, load: Load, tmp: string): Promise<Row[]> {
  const wanted: EchoServer[] = []
  const rows: Row[] = []
  const { groups } = options
  // Deno and Bun are compared with the pipeline on Node, so that runs with them.
  if (groups.has('echo') || groups.has('runtimes') || groups.has('pingpong'))
    wanted.push(raw('node'), pipeline('node', tmp))
  if (groups.has('echo') && !havePython)
    rows.push(
      skipped(
        { id: 'echo.python', group: ECHO, label: 'Python tutorial echo: recvfrom, upper(), sendto', unit: 'rt/s' },
        NO_PYTHON,
      ),
    )
  if (groups.has('echo') && havePython)
    wanted.push({
      id: 'echo.python',
      label: 'Python tutorial echo: recvfrom, upper(), sendto',
      command: ['python3', [`${bench}_echo.py`]],
      row: { baseline: 'echo.raw.node', note: 'reference' },
      runtime: 'python',
    })
  if (groups.has('runtimes')) {
    for (const runtime of ['deno', 'bun'] as const) {
      if (!have(runtime)) continue
      wanted.push(raw(runtime), pipeline(runtime, tmp))
      if (runtime === 'deno') {
        wanted.push({
          id: 'echo.raw.deno-listen',
          label: 'raw Deno.listenDatagram echo (deno)',
          command: script('deno', '_raw-echo-deno.ts'),
          row: { baseline: 'echo.raw.node', note: 'vs raw node' },
          runtime,
        })
        wanted.push(pipeline('deno', tmp, true))
      }
    }
    for (const runtime of ['deno', 'bun'] as const) {
      if (!have(runtime))
        for (const s of [raw(runtime), pipeline(runtime, tmp)])
          rows.push(
            skipped(
              { id: s.id, group: ECHO, label: s.label, unit: 'rt/s' },
              `node_modules/.bin/${runtime} not installed`,
            ),
          )
    }
  }
  if (groups.has('breakdown')) {
    if (!wanted.length) wanted.push(raw('node'), pipeline('node', tmp))
    const variant = (name: string, label: string, config: string): EchoServer => ({
      id: `echo.pipeline.${name}`,
      label,
      command: chat('node', ['serve', '--config', `${bench}configs/${config}`, '--port', '0', '--host', '127.0.0.1']),
      row: { baseline: 'echo.raw.node' },
      runtime: 'node',
    })
    wanted.push(
      variant('core', 'udpchat serve: uppercaseEcho only', 'echo-core.config.ts'),
      variant('codec', 'udpchat serve: codec + uppercaseEcho', 'echo-codec.config.ts'),
    )
    wanted.push({
      id: 'echo.raw.node-sync-lookup',
      label: 'raw node:dgram echo, synchronous lookup',
      command: script('node', '_raw-echo.ts', ['--sync-lookup']),
      row: { baseline: 'echo.raw.node' },
      runtime: 'node',
    })
  }
  const echoing = groups.has('echo') || groups.has('runtimes') || groups.has('breakdown') ? wanted : []
  const ping = groups.has('pingpong')

  const servers = new Map<string, Server>()
  try {
    // Started together (start-up is not measured here); a failure stops the others in `finally`.
    const started = await Promise.allSettled(
      wanted.map((s) => {
        if (s.log) writeFileSync(s.log, '')
        return startServer(s.command, { env: s.log ? { BENCH_LOG: s.log } : {}, timeoutMs: 60_000 }).then(
          (server) => void servers.set(s.id, server),
        )
      }),
    )
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed) throw failed.reason
    // Keyed by the row's id for its client (see `of`).
    const echo = new Map<string, Measured[]>()
    const pong = new Map<string, Measured[]>()
    const measure = async (s: EchoServer, window: number, into: Map<string, Measured[]>, client: Client) => {
      const server = servers.get(s.id)!
      const cpuBefore = cpuMs(server.child.pid!)
      const { warmupMs, durationMs } = options
      const result = await load.run({
        port: server.port,
        host: '127.0.0.1',
        window,
        warmupMs,
        durationMs,
        client: client === 'connected' ? 'connected' : 'sendto',
        text: client === 'lower' ? 'lower' : 'mixed',
      })
      const cpuUs = ((cpuMs(server.child.pid!) - cpuBefore) * 1000) / result.total
      if (result.count === 0)
        process.stderr.write(`bench: ${s.label} answered nothing while measured\n${server.stderr().slice(-2000)}\n`)
      into.set(of(client, s.id), [...(into.get(of(client, s.id)) ?? []), { ...result, cpuUs }])
      if (s.log) truncateSync(s.log)
    }
    // Interleaved: each repetition goes round every server with both clients.
    for (let rep = 0; rep < options.reps; rep++) {
      for (const client of CLIENTS)
        for (const s of echoing) if (client === 'connected' || BOTH.has(s.id)) await measure(s, 32, echo, client)
      if (ping) {
        for (const client of CLIENTS) {
          for (const id of ['echo.raw.node', 'echo.pipeline.node'])
            await measure(wanted.find((s) => s.id === id)!, 1, pong, client)
        }
      }
    }
    for (const client of CLIENTS) {
      const how = HOW[client]
      for (const s of wanted) {
        const results = echo.get(of(client, s.id))
        if (!results) continue
        const row = { ...s.row, baseline: s.row.baseline && of(client, s.row.baseline) }
        const input = {
          id: of(client, s.id),
          group: `echo, 32 outstanding${how.echo}`,
          label: s.label,
          unit: 'rt/s',
          ...row,
          extra: extras(results),
        }
        rows.push(
          measured(
            input,
            results.map((r) => r.perSecond),
          ),
        )
      }
      // Server CPU per round trip: what the throughput ratio becomes when the machine is shared.
      const ids = [
        'echo.raw.node',
        'echo.pipeline.node',
        'echo.python',
        'echo.raw.node-sync-lookup',
        'echo.pipeline.core',
        'echo.pipeline.codec',
      ]
      for (const id of ids) {
        const results = echo.get(of(client, id))
        if (!results || results.some((r) => !Number.isFinite(r.cpuUs))) continue
        const s = wanted.find((w) => w.id === id)!
        const raw = id === 'echo.raw.node'
        rows.push(
          measured(
            {
              id: `cpu.${of(client, id)}`,
              group: `echo, 32 outstanding${how.echo}: server CPU per round trip (lower is better)`,
              label: s.label,
              unit: 'µs',
              baseline: raw ? undefined : `cpu.${of(client, 'echo.raw.node')}`,
              target: id === 'echo.pipeline.node' ? { kind: 'cost', max: 1.25 } : undefined,
            },
            results.map((r) => r.cpuUs),
          ),
        )
      }
      if (!ping) continue
      for (const [q, key] of [
        ['p50', 'p50'],
        ['p99', 'p99'],
      ] as const) {
        for (const id of ['echo.raw.node', 'echo.pipeline.node']) {
          const results = pong.get(of(client, id))!
          const isRaw = id === 'echo.raw.node'
          const rowId = (raw: boolean) => of(client, `ping.${q}.${raw ? 'raw' : 'pipeline'}`)
          rows.push(
            measured(
              {
                id: rowId(isRaw),
                group: `${PING}${how.ping}, ${q}`,
                label: isRaw ? 'raw node:dgram echo' : 'udpchat pipeline (node)',
                unit: 'µs',
                baseline: isRaw ? undefined : rowId(true),
                target: !isRaw && q === 'p99' ? { kind: 'delta', max: 50 } : undefined,
                extra: extras(results),
              },
              results.map((r) => r[key]),
            ),
          )
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()))
  }
  return rows
}

type Measured = LoadResult & { cpuUs: number }

function extras(results: Measured[]): Record<string, number> {
  const med = (pick: (r: Measured) => number) => Math.round(summary(results.map(pick)).median * 10) / 10
  return {
    p50us: med((r) => r.p50),
    p99us: med((r) => r.p99),
    rttPerSec: med((r) => r.perSecond),
    lost: med((r) => r.lost),
    serverCpuUsPerRt: med((r) => r.cpuUs),
  }
}
