import { readFileSync, watch as watchDir, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { Reloader } from '../../cli/_reloader.ts'
import { DEBOUNCE_MS, watchConfig } from '../../cli/_watch.ts'
import { tempDir } from '../helpers/chat-process.ts'
import { outputIn } from '../helpers/output.ts'

const closers: Array<{ close(): void }> = []
afterEach(() => {
  for (const watcher of closers.splice(0)) watcher.close()
})

// expect.poll gives up after 1 s by default: a busy machine can take longer to deliver a file event.
const WAIT = { timeout: 8000 }

/** chat.config.ts importing ./a.ts, in a fresh folder. */
function project() {
  const dir = tempDir('udpchat-watch-')
  const a = join(dir, 'a.ts')
  const config = join(dir, 'chat.config.ts')
  writeFileSync(a, 'export const a = 1\n')
  writeFileSync(config, "import { a } from './a.ts'\nexport default {}\n")
  return { dir, a, config }
}

/** A reloader that notes each call, with the changed file's content as it was then. */
function recorder(file: string) {
  const calls: Array<{ at: number | undefined; stale: readonly string[] | undefined; content: string }> = []
  const reloader: Reloader = {
    async reload(at, stale) {
      calls.push({ at, stale, content: readFileSync(file, 'utf8') })
      return true
    },
  }
  return { calls, reloader }
}

/**
 * Resolves once `dir` has had a file event and the watcher under test has had it too: both are
 * called in the same turn (one inotify watch per folder), and `setImmediate` comes after it.
 */
function nextEvent(dir: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watchDir(dir, () => {
      watcher.close()
      setImmediate(resolve)
    })
  })
}

/**
 * Waits `n` of the watcher's quiet times: a timer of the same length set later fires later, so
 * however slow the machine, each one ends after the watcher's own (the one it set before, or again
 * as it fired).
 */
async function quietTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await delay(DEBOUNCE_MS)
}

function watch(dir: string, reloader: Reloader, json = false) {
  const { output, text, events } = outputIn(dir, { json })
  const watcher = watchConfig(output, {}, reloader)
  closers.push(watcher)
  return { watcher, text, events }
}

/**
 * Writes `first` to the project's a.ts, waits for the watcher's event and `quiet` of its quiet
 * times, then writes `last`: the reloads made before `last`, and the content of every reload.
 */
async function saveInTwoSteps(first: string, quiet: number, last: string) {
  const p = project()
  const { calls, reloader } = recorder(p.a)
  watch(p.dir, reloader)
  const seen = nextEvent(p.dir)
  writeFileSync(p.a, first)
  await seen
  await quietTimes(quiet)
  const before = [...calls]
  writeFileSync(p.a, last)
  await expect.poll(() => calls.length, WAIT).toBe(before.length + 1)
  return { before, contents: calls.map((c) => c.content) }
}

describe('watchConfig (--watch)', () => {
  it('a change reloads the changed file and what imports it; other files in the folder are no change', async () => {
    const p = project()
    const { calls, reloader } = recorder(p.a)
    const { text } = watch(p.dir, reloader)
    expect(text.stderr).toBe('watching 2 files for changes\n')
    const before = performance.now()
    writeFileSync(join(p.dir, 'notes.txt'), 'not imported\n')
    writeFileSync(p.a, 'export const a = 2\n')
    await expect.poll(() => calls.length, WAIT).toBe(1)
    expect(calls[0]!.stale).toEqual([p.a, p.config])
    expect(calls[0]!.content).toBe('export const a = 2\n')
    expect(calls[0]!.at).toBeGreaterThanOrEqual(before)
  })

  it('a save in two steps (emptied, then written): one reload, once the content is there', async () => {
    // The watcher has looked at the empty file at least twice by then (once more for a late event).
    const { before, contents } = await saveInTwoSteps('', 4, 'export const a = 3\n')
    expect(before).toEqual([])
    expect(contents).toEqual(['export const a = 3\n'])
  })

  it('a file still growing after a quiet time: no reload until it looks the same twice', async () => {
    // Its first look at the half-written file has passed; the rest comes before its second.
    const { before, contents } = await saveInTwoSteps('export const a =', 1, 'export const a = 6\n')
    expect(before).toEqual([])
    expect(contents).toEqual(['export const a = 6\n'])
  })

  it('--json: the watching event names the files, and no words; one file is "1 file"', async () => {
    const p = project()
    const { events, text } = watch(p.dir, recorder(p.a).reloader, true)
    expect(events()).toEqual([{ event: 'watching', files: [p.config, p.a] }])
    expect(text.stderr).toBe('')
    const alone = tempDir('udpchat-watch-')
    writeFileSync(join(alone, 'chat.config.ts'), 'export default {}\n')
    expect(watch(alone, recorder(join(alone, 'chat.config.ts')).reloader).text.stderr).toBe(
      'watching 1 file for changes\n',
    )
  })

  it('close() stops watching, the folders watched again after each reload included', async () => {
    const p = project()
    const { calls, reloader } = recorder(p.a)
    const { watcher } = watch(p.dir, reloader)
    writeFileSync(p.a, 'export const a = 4\n')
    await expect.poll(() => calls.length, WAIT).toBe(1)
    watcher.close()
    writeFileSync(p.a, 'export const a = 5\n')
    // On purpose: a change after close() must not reload, however long one waits.
    await delay(400)
    expect(calls).toHaveLength(1)
  })
})
