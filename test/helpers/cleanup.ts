import { afterEach } from 'vitest'

/** Anything a test opens and must close: a chat, a test chat, a plain socket. */
export interface Closable {
  close(): unknown
}

const open: Closable[] = []

// Registered once per test file (each file imports this module afresh): whatever a test opened
// is closed after it, pass or fail, so the next test starts with no socket left bound.
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()))
})

/** Closes `thing` after the current test; returns it. */
export function closeAfterTest<T extends Closable>(thing: T): T {
  open.push(thing)
  return thing
}
