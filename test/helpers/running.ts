import type { InProc } from './inproc.ts'

/**
 * The in-process chats (inproc.ts) that have not exited yet. Apart from inproc.ts, so that
 * each-file.ts can end them after each test without loading the CLI into every test file.
 */
export const running = new Set<InProc>()

/** Ends the chats a test left running (it failed half-way): a first signal ends each cleanly. */
export async function endRunning(): Promise<void> {
  const left = [...running]
  for (const chat of left) chat.kill('SIGTERM')
  await Promise.all(left.map((chat) => chat.exited))
}
