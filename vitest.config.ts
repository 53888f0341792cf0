import { defineConfig } from 'vitest/config'

/**
 * Tests are laid out by kind: test/unit (pure logic, in-memory network), test/sockets (real UDP
 * sockets in this process), test/plugins (each built-in plugin through the test kit) and test/cli
 * (the real `chat` spawned). The `*.e2e.test.ts` files in test/cli run once per runtime; the
 * runtime they start `chat` under comes from CHAT_RUNTIME (see test/helpers/chat-process.ts).
 * Everything else runs once, on Node. `vitest --project deno` runs one runtime alone.
 */
const e2e = 'test/cli/**/*.e2e.test.ts'

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // End-to-end tests spawn processes; two cores do not gain from more parallel files.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], env: { CHAT_RUNTIME: 'node' } } },
      { extends: true, test: { name: 'deno', include: [e2e], env: { CHAT_RUNTIME: 'deno' } } },
      { extends: true, test: { name: 'bun', include: [e2e], env: { CHAT_RUNTIME: 'bun' } } },
    ],
  },
})
