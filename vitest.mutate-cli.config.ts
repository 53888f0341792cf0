import { defineConfig } from 'vitest/config'

/**
 * The tests `npm run mutate:cli` runs against cli/'s mutants: the only ones that import cli/
 * (the commands run in process, and the flag parser's unit tests). Leaving out the rest of the
 * in-process suite shortens each run's first pass (every test, for coverage) to a fraction.
 */
export default defineConfig({
  test: {
    include: ['test/cli-inproc/**/*.test.ts', 'test/unit/args.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
