import { defineConfig } from 'vitest/config'
import { QuickestFirst } from './test/helpers/quickest-first.ts'

/**
 * The tests `npm run mutate` runs against each mutant: those that run udpchat's code in the test
 * process (unit, sockets, plugins, and cli-inproc: the CLI's commands through cli/main.ts `run`).
 * The spawned CLI tests (test/cli) run `chat` as a child process, where Stryker neither sees which
 * mutant a line belongs to nor switches mutants, so they stay out.
 */
export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/sockets/**/*.test.ts',
      'test/plugins/**/*.test.ts',
      'test/cli-inproc/**/*.test.ts',
    ],
    // Each mutant's run loads the modules once, not once per test file: most of a run's time
    // where a mutant's tests are a few in each of many files. Stryker switches mutants at run
    // time, so nothing is stale; each-file.ts runs the helpers' after-each hooks for every file.
    isolate: false,
    setupFiles: ['test/helpers/each-file.ts'],
    // A run stops at its first failing test: the files that failed last, then the quickest, first.
    sequence: { sequencer: QuickestFirst },
    // test/sockets/fuzz.test.ts sends 2,000 hostile datagrams to each server instead of 20,000
    // (see there why a mutant it finds is found by fewer).
    env: { UDPCHAT_FUZZ_COUNT: '2000' },
    // A mutant that a test notices mostly shows as a reply or a line that never comes: the test
    // fails when its time is up. Every test but those that ask for more takes under 1.5 s here
    // (the in-process set, timed with --reporter=json), so 4 s, not npm test's 5-20 s: each such
    // mutant costs that long.
    testTimeout: 4_000,
    hookTimeout: 10_000,
  },
})
