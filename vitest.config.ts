import { defineConfig } from 'vitest/config'

/**
 * Tests are laid out by kind, and each kind has the time-out it needs, so that a test grown ten
 * times slower fails instead of passing quietly:
 * - `unit`: test/unit (pure logic, the in-memory network) and test/plugins (each built-in plugin
 *   through the test kit); each test takes milliseconds, 5 s is plenty on a busy machine.
 * - `sockets`: test/sockets, real UDP sockets in this process; 5 s.
 * - `inproc`: test/cli-inproc, the CLI's commands run in this process (cli/main.ts `run`) on real
 *   sockets; most load a config, some several, or wait for a once-a-second report: 10 s.
 * - `node`, `deno`, `bun`: test/cli, the real `chat` spawned (and, on node, test/package: the
 *   packed tarball); a start takes up to a few seconds on a busy machine, 20 s per test. The
 *   `*.e2e.test.ts` files run once per runtime (CHAT_RUNTIME, see test/helpers/chat-process.ts);
 *   the others start the runtimes they name and run on node only.
 * - `bench` (`npm run test:bench`, not in `npm test`): runs `npm run bench -- --quick`, which
 *   loads both cores for most of a minute and would slow every other test beside it.
 * A test that needs more says so itself (`it(name, fn, ms)`).
 */
const e2e = 'test/cli/**/*.e2e.test.ts'
const bench = process.env.UDPCHAT_BENCH_TEST === '1'

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // End-to-end tests spawn processes; two cores do not gain from more parallel files.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/plugins/**/*.test.ts'],
          testTimeout: 5_000,
          hookTimeout: 5_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'sockets',
          include: ['test/sockets/**/*.test.ts'],
          testTimeout: 5_000,
          hookTimeout: 5_000,
        },
      },
      {
        extends: true,
        test: { name: 'inproc', include: ['test/cli-inproc/**/*.test.ts'], testTimeout: 10_000, hookTimeout: 10_000 },
      },
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/cli/**/*.test.ts', 'test/package/**/*.test.ts'],
          env: { CHAT_RUNTIME: 'node' },
        },
      },
      { extends: true, test: { name: 'deno', include: [e2e], env: { CHAT_RUNTIME: 'deno' } } },
      { extends: true, test: { name: 'bun', include: [e2e], env: { CHAT_RUNTIME: 'bun' } } },
      ...(bench ? [{ extends: true as const, test: { name: 'bench', include: ['test/bench/**/*.test.ts'] } }] : []),
    ],
  },
})
