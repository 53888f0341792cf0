import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import type { Row } from '../../bench/_report.ts'
import { root } from '../helpers/chat-process.ts'

const out = mkdtempSync(join(tmpdir(), 'udpchat-bench-test-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

// Every group, with the smallest settings: this checks the shape of the result, never a timing.
// But nats: its five rooms take half a minute to set up, and test/cli/nats-bridge.e2e.test.ts covers it.
const ARGS = [
  '--skip',
  'nats',
  '--quick',
  '--reps',
  '1',
  '--duration',
  '100',
  '--warmup',
  '50',
  '--fanout',
  '10',
  '--members',
  '1000',
  '--starts',
  '1',
  '--out',
  out,
]
const LIMIT_MS = 45_000

function runBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Its own process group, so that a run past the limit is stopped with every server it started.
    const child = spawn('npm', ['run', '--silent', 'bench', '--', ...ARGS], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      detached: true,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), LIMIT_MS)
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })))
  })
}

test(
  'npm run bench -- --quick prints a table and writes a well-formed JSON result',
  async () => {
    const { code, stdout, stderr } = await runBench()
    expect(code, stderr).toBe(0)
    expect(stdout).toContain('| measurement | what | min | median | max | unit | vs baseline | target | ok |')

    const files = readdirSync(out).filter((f) => f.endsWith('.json'))
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{4}-node[\d.]+.*-quick\.json$/)
    const result = JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as {
      versions: Record<string, string>
      rows: Row[]
      failed: string[]
    }
    expect(result.versions.node).toBe(process.versions.node)

    const ids = result.rows.map((r) => r.id)
    for (const id of [
      'echo.raw.node',
      'echo.pipeline.node',
      'echo.python',
      'ping.p99.raw',
      'ping.p99.pipeline',
      'fanout.10.raw',
      'fanout.10.relay',
      'memory.1000',
      'startup.version.node',
      'startup.serve.node',
      'reload.swap',
      'reload.lost',
    ]) {
      expect(ids).toContain(id)
    }
    for (const row of result.rows) {
      expect(stdout).toContain(`| ${row.group} | ${row.label}`)
      if (row.skipped) continue
      expect(row.samples.length, row.id).toBeGreaterThan(0)
      expect(row.samples.every(Number.isFinite), row.id).toBe(true)
      expect(row.min).toBeLessThanOrEqual(row.median)
      expect(row.median).toBeLessThanOrEqual(row.max)
      if (row.baseline) expect(Number.isFinite(row.ratio), row.id).toBe(true)
      if (row.target) expect(typeof row.pass, row.id).toBe('boolean')
    }
  },
  LIMIT_MS + 5_000,
)
