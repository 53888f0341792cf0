import { defineConfig } from 'vitest/config'
import mutate from './vitest.mutate.config.ts'

/**
 * The tests `npm run mutate:cli` runs against cli/'s mutants: the only ones that import cli/
 * (the commands run in process, and the flag parser's unit tests). Leaving out the rest of the
 * in-process suite shortens each run's first pass (every test, for coverage) to a fraction. Run
 * as vitest.mutate.config.ts's (modules loaded once per run, quickest first, 4 s a test).
 */
export default defineConfig({
  test: {
    ...mutate.test,
    include: ['test/cli-inproc/**/*.test.ts', 'test/unit/args.test.ts'],
  },
})
