// @ts-check
/**
 * Mutation testing: `npm run mutate` (not part of `npm test`). It changes the code one small way
 * at a time (a `<` into `<=`, a string into "", a call removed) and runs the tests that cover
 * the change; a mutant no test notices is a gap in the tests. The report goes to
 * reports/mutation/ and the results are kept in reports/stryker-incremental.json, so that the
 * next run only tests what changed (both out of git). `npm run mutate -- --mutate 'plugins/**'`
 * runs one folder. A mutant costs the run of the tests that reach it: vitest.mutate.config.ts
 * says what keeps that short; how long the whole tree takes here is in the README (Mutation testing).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  // Only the tests that ran a mutated line run against that mutant.
  coverageAnalysis: 'perTest',
  mutate: ['core/**/*.ts', 'plugins/**/*.ts', 'cli/**/*.ts', '!**/*.d.ts'],
  // Four test runners on two cores: a mutant's run mostly waits (for a reply that a mutant
  // stopped, or for a test's own timers), each runner busy 10-40 % of the time with two.
  concurrency: 4,
  // The first pass runs every test once, for coverage: on a busy machine it took more than
  // Stryker's default limit of 5 minutes, and the whole run stopped there.
  dryRunTimeoutMinutes: 30,
  timeoutMS: 5_000,
  timeoutFactor: 2,
  // Module-level constants run once per test file, not per test: perTest coverage cannot tell
  // which test needs them, and testing each against every test costs more than it finds.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/report.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 70, break: null },
}
