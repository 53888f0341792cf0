import { defineConfig } from 'vitest/config'
import mutate from './vitest.mutate.config.ts'

/**
 * The tests `npm run mutate:core` runs against each core/ mutant: the in-process ones, without
 * test/sockets/fuzz.test.ts (tens of thousands of datagrams) and the NATS bridge's files (a real
 * nats-server each), which test plugins and would cost every core mutant seconds more. With
 * MUTATE_CORE_TESTS=unit, test/unit alone. Run as vitest.mutate.config.ts's (modules loaded once
 * per run, quickest first, 4 s a test).
 */
const unitOnly = process.env.MUTATE_CORE_TESTS === 'unit'

export default defineConfig({
  test: {
    ...mutate.test,
    include: unitOnly
      ? ['test/unit/**/*.test.ts']
      : ['test/unit/**/*.test.ts', 'test/sockets/**/*.test.ts', 'test/plugins/**/*.test.ts'],
    exclude: ['test/sockets/fuzz.test.ts', 'test/sockets/nats-bridge*.test.ts', '**/node_modules/**'],
  },
})
