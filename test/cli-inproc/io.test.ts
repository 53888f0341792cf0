import { describe, expect, it, vi } from 'vitest'
import { processIo } from '../../cli/_io.ts'

describe('processIo', () => {
  it("hands a command the process's own streams, environment, folder and signals, and exit", () => {
    const io = processIo()
    expect(io).toMatchObject({
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      signals: process,
    })
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    try {
      io.exit!(130)
      expect(exit).toHaveBeenCalledWith(130)
    } finally {
      exit.mockRestore()
    }
  })
})
