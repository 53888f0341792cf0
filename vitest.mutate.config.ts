import { defineConfig } from 'vitest/config'

/**
 * The tests `npm run mutate` runs against each mutant: those that run udpchat's code in the test
 * process (unit, sockets, plugins). The CLI tests spawn `chat` as a child process, where Stryker
 * neither sees which mutant a line belongs to nor switches mutants, so they stay out (see the
 * README's development section for what that means for cli/).
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/sockets/**/*.test.ts', 'test/plugins/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
