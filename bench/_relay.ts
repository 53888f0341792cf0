import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import type { BenchOptions } from './_options.ts'
import {
  bench,
  chat,
  havePython,
  LIFTED,
  NO_PYTHON,
  root,
  script,
  startServer,
  type Load,
  type Server,
} from './_proc.ts'
import { measured, skipped, type Row } from './_report.ts'

const FANOUT = 'relay fan-out, one message to N'
const MEMORY = 'relay memory'
const NO_RELAY = 'relay plugin not present (plugins/relay.ts)'

/** A python3 process of bench/_members.py, answering one JSON line per command. */
export function members(
  mode: 'hold' | 'join',
  port: number,
  count: number,
): { ready: Promise<Record<string, number>>; ask(command: string): Promise<Record<string, number>>; stop(): void } {
  const child: ChildProcess = spawn('python3', [`${bench}_members.py`, mode, String(port), String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines: Interface = createInterface({ input: child.stdout! })
  const waiting: Array<(value: Record<string, number>) => void> = []
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line) as Record<string, number>))
  const next = () => new Promise<Record<string, number>>((resolve) => waiting.push(resolve))
  return {
    ready: next(),
    ask(command) {
      const answer = next()
      child.stdin!.write(`${command}\n`)
      return answer
    },
    stop: () => void child.stdin!.end(),
  }
}

/** Fan-out and memory rows; skipped until plugins/relay.ts exists. */
export async function relayCases(options: BenchOptions, load: Load, tmp: string): Promise<Row[]> {
  // Members are sockets of a Python process (bench/_members.py).
  const missing = !existsSync(`${root}plugins/relay.ts`) ? NO_RELAY : !havePython ? NO_PYTHON : undefined
  const rows: Row[] = []
  if (options.groups.has('fanout')) {
    for (const n of options.fanout) {
      const base = { group: `${FANOUT}=${n.toLocaleString('en-US')}`, unit: 'deliveries/s' }
      if (missing) {
        rows.push(
          skipped({ ...base, id: `fanout.${n}.raw`, label: 'raw send loop' }, missing),
          skipped({ ...base, id: `fanout.${n}.relay`, label: 'udpchat relay' }, missing),
        )
        continue
      }
      rows.push(...(await fanout(options, load, tmp, n, base)))
    }
  }
  if (options.groups.has('memory')) {
    if (missing)
      for (const n of options.members)
        rows.push(skipped({ id: `memory.${n}`, group: MEMORY, label: `${n} members`, unit: 'B/member' }, missing))
    else rows.push(...(await memory(options)))
  }
  return rows
}

/** A relay config in `dir` that lets everyone in, expires no one during a run, and lifts the per-source limits. */
export function relayConfig(dir: string): string {
  const config = join(dir, 'relay.config.ts')
  writeFileSync(
    config,
    `import { relay } from '${root}plugins/index.ts'\nexport default { ${LIFTED} plugins: [relay({ maxMembers: 1_000_000, maxPerAddress: 1_000_000, timeout: 3600 })] }\n`,
  )
  return config
}

async function fanout(
  options: BenchOptions,
  load: Load,
  tmp: string,
  n: number,
  base: { group: string; unit: string },
): Promise<Row[]> {
  const config = relayConfig(tmp)
  const servers: Array<{ id: string; label: string; server: Server }> = []
  const held: Array<ReturnType<typeof members>> = []
  try {
    const [raw, relay] = await Promise.allSettled([
      startServer(script('node', '_raw-fanout.ts')),
      startServer(chat('node', ['serve', '--config', config, '--port', '0', '--host', '127.0.0.1'])),
    ])
    if (raw.status === 'fulfilled')
      servers.push({
        id: 'raw',
        label: 'raw send loop: the relay protocol, encode once, send N times',
        server: raw.value,
      })
    if (relay.status === 'fulfilled')
      servers.push({ id: 'relay', label: 'udpchat serve: relay (node)', server: relay.value })
    if (raw.status === 'rejected') throw raw.reason
    if (relay.status === 'rejected') throw relay.reason
    // N - 1 members held by Python; the load generator's speaker is the Nth.
    for (const s of servers) {
      const m = members('hold', s.server.port, n - 1)
      held.push(m)
      await m.ready
    }
    const speaker = { host: '127.0.0.1', prefix: 'sender', hello: '^hb^', bye: 'quit', lostMs: 5000 } as const
    // One broadcast each, to check that every member is in.
    for (const [i, s] of servers.entries()) {
      await held[i]!.ask('count')
      await load.run({ ...speaker, port: s.server.port, window: 1, warmupMs: 0, durationMs: 0, once: true })
      const { received } = await held[i]!.ask('count')
      if (received !== n - 1) throw new Error(`${s.label}: one broadcast reached ${received} of ${n - 1} members`)
    }
    const samples = new Map<string, number[]>()
    for (let rep = 0; rep < options.reps; rep++) {
      for (const s of servers) {
        const result = await load.run({
          ...speaker,
          port: s.server.port,
          window: 16,
          warmupMs: options.warmupMs,
          durationMs: options.durationMs,
        })
        samples.set(s.id, [...(samples.get(s.id) ?? []), result.perSecond * n])
      }
    }
    return servers.map((s) =>
      measured(
        {
          ...base,
          id: `fanout.${n}.${s.id}`,
          label: s.label,
          ...(s.id === 'relay' ? { baseline: `fanout.${n}.raw`, target: { kind: 'ratio', min: 0.8 } as const } : {}),
        },
        samples.get(s.id)!,
      ),
    )
  } finally {
    for (const m of held) m.stop()
    await Promise.all(servers.map((s) => s.server.stop()))
  }
}

async function memory(options: BenchOptions): Promise<Row[]> {
  const server = await startServer(script('node', '_relay-memory.ts', [], ['--expose-gc']), { timeoutMs: 30_000 })
  const answers: Array<(line: string) => void> = []
  createInterface({ input: server.child.stdout! }).on('line', (line) => answers.shift()?.(line))
  const ask = async (): Promise<{ heapUsed: number; members: number }> => {
    const answer = new Promise<string>((resolve) => answers.push(resolve))
    server.child.stdin!.write('measure\n')
    return JSON.parse(await answer) as { heapUsed: number; members: number }
  }
  const rows: Row[] = []
  try {
    const empty = await ask()
    for (const n of [...options.members].sort((a, b) => a - b)) {
      const m = members('join', server.port, n)
      await m.ready
      // Joins the relay dropped (a full receive buffer) are sent again; those in refresh.
      let got = await ask()
      for (let pass = 0; got.members < n && pass < 5; pass++) {
        await m.ask('again')
        got = await ask()
      }
      m.stop()
      const perMember = (got.heapUsed - empty.heapUsed) / got.members
      rows.push(
        measured(
          {
            id: `memory.${n}`,
            group: MEMORY,
            label: `${got.members.toLocaleString('en-US')} members, heap after GC`,
            unit: 'B/member',
            target: n >= 100_000 ? { kind: 'max', max: 300 } : undefined,
            extra: { members: got.members, heapUsed: got.heapUsed, emptyHeap: empty.heapUsed },
            note: got.members < n ? `only ${got.members} of ${n} joined` : undefined,
          },
          [perMember],
        ),
      )
    }
  } finally {
    await server.stop()
  }
  return rows
}
