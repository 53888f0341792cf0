import { afterEach, vi } from 'vitest'
import { closeOpened } from './cleanup.ts'
import { endRunning } from './running.ts'

/**
 * The helpers' after-each hooks, for every test file where the files share their modules
 * (`isolate: false`, the mutation runs): there a helper's top level runs for the first file that
 * imports it only, so its own `afterEach` would not run for the others. Each hook can run twice.
 */
afterEach(async () => {
  vi.useRealTimers()
  await endRunning()
  await closeOpened()
})
