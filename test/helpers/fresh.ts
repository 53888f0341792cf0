import { vi } from 'vitest'

/**
 * Loads modules afresh, inside the running test: `await fresh(() => import('../../plugins/relay.ts'))`.
 * A module's top level (option schemas, constants) runs once, when a test file imports it and
 * before any test; mutation testing switches a mutant on per test, so only a test that loads the
 * module anew sees a mutant there. The plugin modules are made to be read again (a reload does
 * it), so a fresh copy works with the kit as the first one does.
 */
export async function fresh<T>(load: () => Promise<T>): Promise<T> {
  vi.resetModules()
  return load()
}
