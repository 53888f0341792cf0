import { afterEach } from 'vitest'

/** Anything a test opens and must close: a chat, a test chat, a plain socket. */
export interface Closable {
  close(): unknown
}

const open: Closable[] = []

/** Closes whatever the test opened; after each test, pass or fail, so the next starts with no socket left bound. */
export async function closeOpened(): Promise<void> {
  await Promise.all(open.splice(0).map((x) => x.close()))
}

// Registered where a test file imports this module afresh; where test files share modules
// (`npm run mutate`), test/helpers/each-file.ts registers it for every file.
afterEach(closeOpened)

/** Closes `thing` after the current test; returns it. */
export function closeAfterTest<T extends Closable>(thing: T): T {
  open.push(thing)
  return thing
}
