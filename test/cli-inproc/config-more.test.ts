import { describe, expect, it } from 'vitest'
import { local, runInProc, writeConfig } from '../helpers/inproc.ts'

const listening = (stdout: string) => JSON.parse(stdout.split('\n')[0]!)

describe('command-line overrides of the config, in process: the edges', () => {
  it('--encoding replaces the codec and keeps the config’s other plugins', async () => {
    const config = writeConfig("export default { plugins: [{ name: 'mine', inbound: (m) => m }] }")
    const exit = await runInProc(['plugins', '-c', config, '--encoding', 'latin1', '--json'])
    expect(exit.code).toBe(0)
    expect(
      exit.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).name),
    ).toEqual(['codec', 'mine'])
  })

  it('--host 0.0.0.0 given for an IPv6 target is kept (the send fails), not turned into ::', async () => {
    const exit = await runInProc(['send', '[::1]:9', 'hi', '--host', '0.0.0.0', '--json'])
    expect(listening(exit.stdout)).toMatchObject({ event: 'listening', host: '0.0.0.0', family: 'IPv4' })
    expect(exit.code).toBe(1)
    const free = await runInProc(['send', '[::1]:9', 'hi', '--json', ...local.slice(2)])
    expect(listening(free.stdout)).toMatchObject({ host: '::', family: 'IPv6' })
  })
})
