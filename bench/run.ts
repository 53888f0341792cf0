// `npm run bench`: udpchat against raw sockets, each baseline measured in the same run.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { echoCases } from './_echo.ts'
import { floodCases } from './_flood.ts'
import { parseOptions, usage, type BenchOptions } from './_options.ts'
import { bench, root, startLoad } from './_proc.ts'
import { natsCases } from './_nats.ts'
import { relayCases } from './_relay.ts'
import { judge, markdown, type Row } from './_report.ts'
import { reloadCases, startupCases } from './_startup.ts'

function version(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return undefined
  }
}

export function runtimeVersions(): Record<string, string | undefined> {
  const bin = (name: string) => `${root}node_modules/.bin/${name}`
  return {
    node: process.versions.node,
    deno: version(bin('deno'), ['--version'])?.match(/deno (\S+)/)?.[1],
    bun: version(bin('bun'), ['--version']),
    python: version('python3', ['--version'])?.replace('Python ', ''),
  }
}

async function main(options: BenchOptions): Promise<void> {
  const began = new Date()
  const tmp = mkdtempSync(join(tmpdir(), 'udpchat-bench-'))
  const versions = runtimeVersions()
  const rows: Row[] = []
  const step = (name: string) =>
    process.stderr.write(`bench: ${name} (${((Date.now() - began.getTime()) / 1000).toFixed(1)} s)\n`)
  const load = startLoad()
  try {
    const { groups } = options
    if (groups.has('echo') || groups.has('pingpong') || groups.has('runtimes') || groups.has('breakdown'))
      step('echo'), rows.push(...(await echoCases(options, load, tmp)))
    if (groups.has('fanout') || groups.has('memory'))
      step('relay'), rows.push(...(await relayCases(options, load, tmp)))
    if (groups.has('nats')) step('nats'), rows.push(...(await natsCases(options, tmp)))
    if (groups.has('startup')) step('startup'), rows.push(...(await startupCases(options)))
    if (groups.has('reload')) step('reload'), rows.push(...(await reloadCases(options, tmp)))
    if (groups.has('flood')) step('flood'), rows.push(...(await floodCases(options)))
  } finally {
    await load.close()
    rmSync(tmp, { recursive: true, force: true })
  }
  judge(rows)
  const seconds = (Date.now() - began.getTime()) / 1000
  const mode = options.quick ? 'quick' : 'full'
  const head = `udpchat bench (${mode}: ${options.reps} x ${options.durationMs} ms after ${options.warmupMs} ms warm-up), ${Object.entries(
    versions,
  )
    .map(([k, v]) => `${k} ${v ?? 'absent'}`)
    .join(', ')}`
  console.log(`${head}\n\n${markdown(rows)}\n`)
  if (!options.out) return
  const stamp = began.toISOString().slice(0, 16).replace(':', '')
  const tag = Object.entries(versions)
    .filter(([k, v]) => v && k !== 'python')
    .map(([k, v]) => `${k}${v}`)
    .join('-')
  mkdirSync(options.out, { recursive: true })
  const file = join(options.out, `${stamp}-${tag}${options.quick ? '-quick' : ''}.json`)
  const failed = rows.filter((r) => r.pass === false).map((r) => r.id)
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: began.toISOString(),
        seconds,
        mode,
        options: { ...options, groups: [...options.groups] },
        versions,
        cpus: cpuCount(),
        failed,
        rows,
      },
      null,
      2,
    ) + '\n',
  )
  console.log(`results: ${file}`)
}

function cpuCount(): number {
  return Number(version('nproc', []) ?? 0)
}

const options = (() => {
  try {
    return parseOptions(process.argv.slice(2), join(bench, 'results'))
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n\n${usage}`)
    process.exit(2)
  }
})()
if (!options) console.log(usage)
else await main(options)
