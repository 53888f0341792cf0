import { afterEach, vi } from 'vitest'
import { createTestChat, type TestChat } from '../../core/testing.ts'
import { closeAfterTest } from './cleanup.ts'

/** `createTestChat`, closed after each test (and real timers restored). */
export async function kit(...args: Parameters<typeof createTestChat>): Promise<TestChat> {
  return closeAfterTest(await createTestChat(...args))
}

afterEach(() => {
  vi.useRealTimers()
})
