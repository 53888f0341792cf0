import { parseArgs } from 'node:util'

export const GROUPS = [
  'echo',
  'pingpong',
  'runtimes',
  'fanout',
  'memory',
  'nats',
  'startup',
  'reload',
  'flood',
  'breakdown',
] as const
/** `breakdown` (the echo pipeline plugin by plugin) is for tuning: asked for by name only. */
const DEFAULT_GROUPS = GROUPS.filter((g) => g !== 'breakdown')
export type Group = (typeof GROUPS)[number]

export interface BenchOptions {
  quick: boolean
  groups: Set<Group>
  /** Repetitions of each throughput and latency measurement. */
  reps: number
  warmupMs: number
  durationMs: number
  /** Relay sizes for the fan-out rows. */
  fanout: number[]
  /** Relay sizes for the memory rows. */
  members: number[]
  /** Runs of each start-up command, and reloads. */
  starts: number
  /** Where the JSON result goes; empty: not written. */
  out: string
}

export const usage = `Usage: npm run bench -- [--quick] [--only GROUP,...] [options]

Measures udpchat against raw sockets in the same run and prints a Markdown table of ratios;
the JSON result goes to bench/results/<date>-<runtime versions>.json.

  --quick            short runs (under a minute): ratios are rougher
  --only LIST        some of: ${GROUPS.join(', ')} (all but breakdown by default;
                     nats is skipped, saying why, without nats-server)
  --skip LIST        all groups (or those of --only) but these
  --reps N           repetitions of each measurement (default 3, quick 2)
  --duration MS      measured time of each repetition (default 5000, quick 600)
  --warmup MS        traffic before measuring (default 1000, quick 150)
  --fanout LIST      relay sizes for fan-out (default 10,100,1000)
  --members LIST     relay sizes for memory (default 10000,100000)
  --starts N         runs of each start-up command, and reloads (default 10, quick 3)
  --out DIR          where the JSON goes (default bench/results); --no-save: nowhere`

const list = (text: string) =>
  text
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)

export function parseOptions(argv: string[], resultsDir: string): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      skip: { type: 'string' },
      reps: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      fanout: { type: 'string' },
      members: { type: 'string' },
      starts: { type: 'string' },
      out: { type: 'string' },
      'no-save': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return undefined
  const quick = values.quick === true
  const only = values.only?.split(',').map((s) => s.trim()) ?? DEFAULT_GROUPS
  const skip = values.skip?.split(',').map((s) => s.trim()) ?? []
  for (const [flag, names] of [
    ['--only', only],
    ['--skip', skip],
  ] as const) {
    const unknown = names.filter((g) => !(GROUPS as readonly string[]).includes(g))
    if (unknown.length)
      throw new Error(`Expected ${flag} to list some of ${GROUPS.join(', ')}, got \`${unknown.join(',')}\``)
  }
  return {
    quick,
    groups: new Set((only as Group[]).filter((g) => !skip.includes(g))),
    reps: Number(values.reps ?? (quick ? 2 : 3)),
    warmupMs: Number(values.warmup ?? (quick ? 150 : 1000)),
    durationMs: Number(values.duration ?? (quick ? 600 : 5000)),
    fanout: list(values.fanout ?? '10,100,1000'),
    members: list(values.members ?? '10000,100000'),
    starts: Number(values.starts ?? (quick ? 3 : 10)),
    out: values['no-save'] ? '' : (values.out ?? resultsDir),
  }
}
