import { afterEach, vi } from 'vitest'
import { createTestChat, type TestChat } from '../../core/testing.ts'

const open: TestChat[] = []

/** `createTestChat`, closed after each test (and real timers restored). */
export async function kit(...args: Parameters<typeof createTestChat>): Promise<TestChat> {
  const t = await createTestChat(...args)
  open.push(t)
  return t
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()))
  vi.useRealTimers()
})
