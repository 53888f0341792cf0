import { defineConfig } from 'vitest/config'
import { QuickestFirst } from './test/helpers/quickest-first.ts'

/**
 * The tests `npm run mutate:cli` runs against cli/'s mutants: the only ones that import cli/
 * (the commands run in process, and the flag parser's unit tests). Leaving out the rest of the
 * in-process suite shortens each run's first pass (every test, for coverage) to a fraction.
 */
export default defineConfig({
  test: {
    include: ['test/cli-inproc/**/*.test.ts', 'test/unit/args.test.ts'],
    // Each mutant's run imports the test files again; shared between files, the modules load
    // once (a quarter of the time). Stryker switches mutants at run time, so nothing is stale.
    isolate: false,
    // The helpers' after-each hooks for every file, not only the first (see each-file.ts).
    setupFiles: ['test/helpers/each-file.ts'],
    // A run stops at its first failing test: the files that failed last, then the quickest, first.
    sequence: { sequencer: QuickestFirst },
    // A mutant that a test notices mostly shows as a reply or a line that never comes: the test
    // fails when its time is up. Every test but those that ask for more takes under 1.5 s here
    // (the in-process set, timed with --reporter=json), so 4 s, not npm test's 5-20 s: each such
    // mutant costs that long.
    testTimeout: 4_000,
    hookTimeout: 10_000,
  },
})
