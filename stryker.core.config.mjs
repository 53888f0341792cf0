// @ts-check
import base from './stryker.config.mjs'

/**
 * Mutation testing of core/ alone: `npm run mutate:core -- --mutate core/guard.ts` (a few files at
 * a time: a core line is run by most tests, so each mutant takes seconds). The tests are those of
 * vitest.mutate-core.config.ts: the in-process ones without the fuzz and NATS files, whose real
 * servers cost every core mutant seconds more; a mutant only they would notice counts as a
 * survivor, so the score is a lower bound. `MUTATE_CORE_TESTS=unit` runs test/unit alone (the
 * in-memory network): a quicker, lower bound still.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  ...base,
  mutate: ['core/**/*.ts', '!**/*.d.ts'],
  vitest: { ...base.vitest, configFile: 'vitest.mutate-core.config.ts' },
  concurrency: 1,
  incrementalFile: 'reports/stryker-incremental-core.json',
  htmlReporter: { fileName: 'reports/mutation/core.html' },
  jsonReporter: { fileName: 'reports/mutation/core.json' },
}
