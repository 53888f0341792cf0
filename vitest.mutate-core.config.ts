import { defineConfig } from 'vitest/config'
import { QuickestFirst } from './test/helpers/quickest-first.ts'

/**
 * The tests `npm run mutate:core` runs against each core/ mutant: the in-process ones, without
 * test/sockets/fuzz.test.ts (tens of thousands of datagrams) and the NATS bridge's files (a real
 * nats-server each), which test plugins and would cost every core mutant seconds more. With
 * MUTATE_CORE_TESTS=unit, test/unit alone.
 */
const unitOnly = process.env.MUTATE_CORE_TESTS === 'unit'

export default defineConfig({
  test: {
    include: unitOnly
      ? ['test/unit/**/*.test.ts']
      : ['test/unit/**/*.test.ts', 'test/sockets/**/*.test.ts', 'test/plugins/**/*.test.ts'],
    exclude: ['test/sockets/fuzz.test.ts', 'test/sockets/nats-bridge*.test.ts', '**/node_modules/**'],
    // As in vitest.mutate.config.ts: the modules load once per run, not once per test file.
    isolate: false,
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
