// @ts-check
import base from './stryker.config.mjs'

/**
 * Mutation testing of cli/ alone: `npm run mutate:cli` (one file: `-- --mutate cli/_args.ts`).
 * Only the tests that import cli/ run (vitest.mutate-cli.config.ts), and cli/bin.ts is left out:
 * it only hands the process's streams to `run()`, and runs only in a spawned `chat` (test/cli).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: ['cli/**/*.ts', '!cli/bin.ts'],
  vitest: { ...base.vitest, configFile: 'vitest.mutate-cli.config.ts' },
  // A mutant that keeps a command from ending (a promise never settled) is found by its time-out;
  // the commands' tests take milliseconds each, so 3 s past twice their time is plenty.
  timeoutMS: 3000,
  incrementalFile: 'reports/stryker-incremental-cli.json',
  htmlReporter: { fileName: 'reports/mutation/cli.html' },
  jsonReporter: { fileName: 'reports/mutation/cli.json' },
}
