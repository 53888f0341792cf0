// The flood case: 50 sources (127.0.0.2-51, one Python process sending as fast as it can) at an
// echo server with the default limits and lanes, while a legitimate client on 127.0.0.1 asks 100
// times a second; the same without lanes, and against raw node:dgram with a filter that costs
// nothing (the most a server on this runtime can do with one receive queue); then the guard's own
// cost per datagram, in this process.
import { spawn } from 'node:child_process'
import dgram from 'node:dgram'
import { readFileSync } from 'node:fs'
import type { BenchOptions } from './_options.ts'
import { bench, chat, cpuMs, havePython, NO_PYTHON, script, startServer } from './_proc.ts'
import { measured, skipped, type Row } from './_report.ts'
import { guardCost } from './_guard-cost.ts'

const FLOOD = 'flood: 50 sources as fast as one process sends, legit client at 100 req/s'
const GUARD = 'guard: cost per datagram, in process (no network)'

export async function floodCases(options: BenchOptions): Promise<Row[]> {
  const seconds = options.quick ? 3 : 30
  const rows: Row[] = []
  const input = (id: string, label: string, unit: string, target?: Row['target']) => ({
    id: `flood.${id}`,
    group: FLOOD,
    label,
    unit,
    target,
  })
  if (!havePython) {
    for (const [id, label] of [
      ['unanswered', 'legit client: not answered'],
      ['p99', 'legit client: p99'],
    ])
      rows.push(skipped(input(id!, label!, ''), NO_PYTHON))
  } else {
    // The baseline first, then the chat, each against its own flood of the same length: the
    // flooder's speed varies from run to run, so each row says how fast it sent.
    const raw = await floodOnce(seconds, script('node', '_raw-flood.ts'))
    const serve = chat('node', ['serve', '--config', `${bench}configs/flood.config.ts`])
    const run = await floodOnce(seconds, serve)
    // The same without lanes (the default: they take SO_REUSEADDR, README's Security).
    const single = await floodOnce(seconds, serve, { BENCH_LANES: '0' })
    rows.push(
      measured(input('unanswered', `legit client: not answered (of ${run.asked})`, '%', { kind: 'max', max: 1 }), [
        run.unansweredPct,
      ]),
    )
    rows.push(measured(input('p50', 'legit client: p50 round trip', 'ms'), [run.p50]))
    rows.push(measured(input('p99', 'legit client: p99 round trip', 'ms', { kind: 'max', max: 20 }), [run.p99]))
    rows.push(
      measured(input('rss', 'server memory growth (RSS) during the flood', 'MB', { kind: 'max', max: 50 }), [
        run.rssGrowthMB,
      ]),
    )
    rows.push(measured(input('rate', 'flood sent', 'datagrams/s'), [run.floodRate]))
    rows.push(measured(input('limited', 'dropped by limits.perSource before decode', 'datagrams/s'), [run.limitedRate]))
    rows.push(measured(input('cpu', 'server CPU during the flood', '%'), [run.cpuPct]))
    const baseline = (id: string, label: string, unit: string, value: number) =>
      measured(input(`raw.${id}`, `raw node:dgram, perfect free filter: ${label}`, unit), [value])
    const alone = (id: string, label: string, unit: string, value: number) =>
      measured(input(`single.${id}`, `udpchat without lanes (limits.lanes: false): ${label}`, unit), [value])
    rows.push(alone('unanswered', `not answered (of ${single.asked})`, '%', single.unansweredPct))
    rows.push(alone('p99', 'p99 round trip', 'ms', single.p99))
    rows.push(alone('rate', 'flood sent', 'datagrams/s', single.floodRate))
    rows.push(baseline('unanswered', `not answered (of ${raw.asked})`, '%', raw.unansweredPct))
    rows.push(baseline('p99', 'p99 round trip', 'ms', raw.p99))
    rows.push(baseline('rate', 'flood sent', 'datagrams/s', raw.floodRate))
    rows.push(baseline('cpu', 'server CPU during the flood', '%', raw.cpuPct))
  }
  const cost = await guardCost(options.quick ? 50_000 : 500_000)
  rows.push(
    measured(
      {
        id: 'guard.limited',
        group: GUARD,
        label: 'a datagram over limits.perSource (dropped before decode)',
        unit: 'ns',
      },
      [cost.limitedNs],
    ),
  )
  rows.push(
    measured({ id: 'guard.limited.many', group: GUARD, label: 'the same from 100,000 rotating sources', unit: 'ns' }, [
      cost.limitedManyNs,
    ]),
  )
  rows.push(
    measured(
      { id: 'guard.off', group: GUARD, label: 'echo pipeline, datagram in and reply out, limits off', unit: 'ns' },
      [cost.offNs],
    ),
  )
  rows.push(
    measured(
      {
        id: 'guard.on',
        group: GUARD,
        label: 'the same with the default limits (checked, not reached)',
        unit: 'ns',
        baseline: 'guard.off',
      },
      [cost.onNs],
    ),
  )
  return rows
}

async function floodOnce(seconds: number, command: [string, string[]], env?: NodeJS.ProcessEnv) {
  const server = await startServer(command, { env })
  const pid = server.child.pid!
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
  const client = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve))
  const sentAt = new Map<number, number>()
  const rtts: number[] = []
  client.on('message', (data) => {
    const n = Number(/^PING (\d+)/.exec(data.toString())?.[1])
    const at = sentAt.get(n)
    if (at !== undefined) rtts.push(performance.now() - at), sentAt.delete(n)
  })
  const rssBefore = rss()
  let rssPeak = rssBefore
  const cpuBefore = cpuMs(pid)
  const flooder = spawn('python3', [`${bench}_flood.py`, String(server.port), String(seconds), '50'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let floodOut = ''
  flooder.stdout.on('data', (d) => (floodOut += d))
  const flooded = new Promise<void>((resolve) => flooder.once('exit', () => resolve()))
  const began = performance.now()
  let asked = 0
  // 100 requests a second, each at its own time (not in bursts), for the flood's duration.
  while (performance.now() - began < seconds * 1000) {
    sentAt.set(asked, performance.now())
    client.send(`ping ${asked++}`, server.port, '127.0.0.1')
    if (asked % 100 === 0) rssPeak = Math.max(rssPeak, rss())
    await new Promise((resolve) => setTimeout(resolve, began + asked * 10 - performance.now()))
  }
  await flooded
  // Answers still on their way get a second.
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const cpu = cpuMs(pid) - cpuBefore
  rssPeak = Math.max(rssPeak, rss())
  const limited = [...server.stderr().matchAll(/\((\d+) in all\)/g)].at(-1)?.[1]
  client.close()
  await server.stop()
  rtts.sort((a, b) => a - b)
  const at = (q: number) => rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))] ?? Number.NaN
  return {
    asked,
    unansweredPct: (100 * (asked - rtts.length)) / asked,
    p50: at(0.5),
    p99: at(0.99),
    rssGrowthMB: rssPeak - rssBefore,
    floodRate: Number(floodOut.trim()) / seconds,
    limitedRate: Number(limited ?? 0) / seconds,
    cpuPct: (100 * cpu) / (seconds * 1000 + 1000),
  }
}
