import { defineConfig } from 'vitest/config'

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
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
