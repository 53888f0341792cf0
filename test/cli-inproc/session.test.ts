import { networkInterfaces } from 'node:os'
import { describe, expect, it } from 'vitest'
import { startInProc } from '../helpers/inproc.ts'

describe('where it says it listens, on IPv6', () => {
  it('on every interface (::): the LAN addresses of both families, not the link-local fe80:: ones', async () => {
    const lan = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((i) => !i.internal && !i.address.startsWith('fe80'))
      .map((i) => i.address)
    const chat = startInProc(['listen', '--host', '::', '--port', '0'])
    const said = await chat.waitFor(/^listening on /, { stream: 'stderr' })
    expect(said).toMatch(/^listening on \[::\]:\d+/)
    expect(said.replace(/^listening on \[::\]:\d+/, '')).toBe(lan.length ? ` (LAN: ${lan.join(', ')})` : '')
    chat.kill('SIGTERM')
    expect((await chat.exited).code).toBe(0)
  })
})
