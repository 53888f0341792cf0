import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createReloader } from '../../cli/_reloader.ts'
import { ChatError } from '../../core/errors.ts'
import type { ReloadReport, ResolvedConfig } from '../../core/index.ts'
import { tempDir } from '../helpers/chat-process.ts'
import { outputIn } from '../helpers/output.ts'

// expect.poll gives up after 1 s by default: a busy machine can take longer to deliver a file event.
const WAIT = { timeout: 8000 }

/** A folder with chat.config.ts importing ./tag.ts, whose plugin is named after `tag`. */
function project(tag: string) {
  const dir = tempDir('udpchat-reloader-')
  const setTag = (t: string) => writeFileSync(join(dir, 'tag.ts'), `export const tag = '${t}'\n`)
  setTag(tag)
  writeFileSync(
    join(dir, 'chat.config.ts'),
    "import { tag } from './tag.ts'\nexport default { plugins: [{ name: tag, inbound: (m) => m }] }\n",
  )
  return { dir, setTag, files: [join(dir, 'tag.ts'), join(dir, 'chat.config.ts')] }
}

const report = (over: Partial<ReloadReport> = {}): ReloadReport => ({
  added: [],
  removed: [],
  changed: [],
  unchanged: [],
  swapMs: 0,
  ms: 0,
  errors: [],
  notes: [],
  ...over,
})

/**
 * A reloader whose first reload waits for `release()`, so that a test can ask for more meanwhile;
 * `seen` names each reload's plugin, in order.
 */
function heldReloader(dir: string) {
  const { output } = outputIn(dir)
  const seen: string[] = []
  let released: () => void = () => {}
  const reloader = createReloader(output, {}, async (config: ResolvedConfig) => {
    seen.push(config.plugins[0]!.plugin.name)
    if (seen.length === 1) await new Promise<void>((resolve) => (released = resolve))
    return report()
  })
  return { reloader, seen, release: () => released() }
}

describe('createReloader', () => {
  it('one reload at a time: those asked meanwhile become one more, reading again every file any of them named', async () => {
    const p = project('one')
    const { reloader, seen, release } = heldReloader(p.dir)
    const first = reloader.reload()
    await expect.poll(() => seen, WAIT).toEqual(['one'])
    p.setTag('two')
    // Asked while the first runs: the same promise, and one reload after it for both.
    const second = reloader.reload(undefined, [p.files[0]!])
    const third = reloader.reload(undefined, [p.files[1]!])
    expect(second).toBe(first)
    expect(third).toBe(first)
    release()
    expect(await first).toBe(true)
    await expect.poll(() => seen, WAIT).toEqual(['one', 'two'])
    // Nothing more was queued.
    expect(await reloader.reload(undefined, [])).toBe(true)
    expect(seen).toEqual(['one', 'two', 'two'])
  })

  it('a reload asked meanwhile without a list of files reads every file again', async () => {
    const p = project('one')
    const { reloader, seen, release } = heldReloader(p.dir)
    const first = reloader.reload(undefined, [])
    await expect.poll(() => seen, WAIT).toEqual(['one'])
    p.setTag('two')
    // Every file (no list), then a list: still every file.
    void reloader.reload()
    void reloader.reload(undefined, [p.files[1]!])
    release()
    await first
    await expect.poll(() => seen, WAIT).toEqual(['one', 'two'])
  })

  it('--json: the reload event with the times rounded to 0.1 ms, the time since the change, dispose errors', async () => {
    const p = project('one')
    const { output, text, events } = outputIn(p.dir, { json: true })
    const reloader = createReloader(output, {}, async () =>
      report({ changed: ['one'], swapMs: 500.04, errors: [{ plugin: 'old', error: new Error('stuck') }] }),
    )
    const changedAt = performance.now() - 1000
    const began = performance.now()
    expect(await reloader.reload(changedAt)).toBe(true)
    const took = performance.now() - began
    const [event] = events()
    expect(event).toEqual({
      event: 'reload',
      ok: true,
      added: [],
      removed: [],
      changed: ['one'],
      unchanged: [],
      loadMs: expect.any(Number),
      swapMs: 500,
      afterChangeMs: expect.any(Number),
      disposeErrors: [{ plugin: 'old', message: 'stuck' }],
    })
    expect(event.loadMs).toBeGreaterThanOrEqual(0)
    expect(event.loadMs).toBeLessThanOrEqual(took + 0.1)
    expect(Number.isInteger(event.loadMs * 10)).toBe(true)
    // The change was 1000 ms before the reload began, which then loaded and swapped (500 ms).
    expect(event.afterChangeMs).toBeGreaterThanOrEqual(1500 + event.loadMs - 0.2)
    expect(event.afterChangeMs).toBeLessThanOrEqual(1000 + took + 500 + 0.2)
    expect(Number.isInteger(Math.round(event.afterChangeMs * 10))).toBe(true)
    expect(text.stderr).toBe('')
  })

  it('in words: what changed, the time since the change if there was one, and the notes as warnings', async () => {
    const p = project('one')
    const { output, text } = outputIn(p.dir)
    const reloader = createReloader(output, {}, async () =>
      report({ added: ['x'], notes: ['a new port needs a restart'] }),
    )
    await reloader.reload()
    await reloader.reload(performance.now())
    const lines = text.stderr.split('\n')
    expect(lines[0]).toMatch(/^reloaded in \d+\.\d ms: added x$/)
    expect(lines[1]).toBe('warning a new port needs a restart')
    expect(lines[2]).toMatch(/^reloaded in \d+\.\d ms: added x; \d+\.\d ms after the change$/)
  })

  it('a failure: false, an event with its code; a plugin error as it is, others with "the old plugins keep running"', async () => {
    const p = project('one')
    const { output, text, events } = outputIn(p.dir, { json: true })
    const failures = [new ChatError('E_PLUGIN', 'plugin "one" failed in setup: no'), new TypeError('broken swap')]
    const reloader = createReloader(output, {}, async () => {
      throw failures.shift()
    })
    expect(await reloader.reload()).toBe(false)
    expect(await reloader.reload()).toBe(false)
    expect(events()).toEqual([
      { event: 'reload', ok: false, code: 'E_PLUGIN', message: 'plugin "one" failed in setup: no' },
      { event: 'reload', ok: false, code: 'E_INTERNAL', message: 'broken swap; the old plugins keep running' },
    ])
    expect(text.stderr).toBe(
      'error reload failed: plugin "one" failed in setup: no\n' +
        'error reload failed: broken swap; the old plugins keep running\n',
    )
  })

  it('--verbose: after a failure, the stack of its cause (or of the error itself)', async () => {
    const p = project('one')
    const { output, text } = outputIn(p.dir, { verbose: true })
    const cause = new RangeError('deep down')
    const failures: unknown[] = [new ChatError('E_PLUGIN', 'wrapped', { cause }), new TypeError('plain'), 'a string']
    const reloader = createReloader(output, {}, async () => {
      throw failures.shift()
    })
    for (let i = 0; i < 3; i++) expect(await reloader.reload()).toBe(false)
    const lines = text.stderr.split('\n')
    expect(lines[0]).toBe('error reload failed: wrapped')
    expect(lines[1]).toBe('debug RangeError: deep down')
    expect(text.stderr).toMatch(/\ndebug TypeError: plain\n {4}at /)
    expect(text.stderr).toMatch(/\nerror reload failed: a string; the old plugins keep running\n$/)
  })
})
