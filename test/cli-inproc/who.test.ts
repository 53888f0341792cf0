import { describe, expect, it } from 'vitest'
import { local, startInProc, usePeers, writeConfig } from '../helpers/inproc.ts'

const peer = usePeers()

describe('/who, in process', () => {
  it('with presence() in the config, lists who announced themselves', async () => {
    const config = writeConfig(
      "import { presence } from '@/plugins/index.ts'\nexport default { plugins: [presence({ to: '127.0.0.1:9' })] }",
    )
    const chat = startInProc(['-c', config, ...local])
    const port = Number(/:(\d+)/.exec(await chat.waitFor(/^listening on /, { stream: 'stderr' }))![1])
    chat.write('/who')
    expect(await chat.waitFor(/announced/)).toBe('  nobody else has announced themselves yet')
    const began = Date.now()
    const bob = await peer()
    await bob.send('^here^ bob', port)
    await chat.waitFor(/bob is here/, { stream: 'stderr' })
    const carol = await peer()
    await carol.send('^here^ carol', port)
    await chat.waitFor(/carol is here/, { stream: 'stderr' })
    chat.write('/who')
    const lines = [await chat.waitFor(/^ {2}bob /), await chat.waitFor(/^ {2}carol /)]
    // Each on a line of its own, heard no longer ago than this test has run.
    const most = Math.ceil((Date.now() - began) / 1000)
    for (const [line, who] of [
      [lines[0]!, bob],
      [lines[1]!, carol],
    ] as const) {
      const heard = new RegExp(`^ {2}[a-z]+ {2}127\\.0\\.0\\.1:${who.port} {2}\\(heard (\\d+) s ago\\)$`).exec(line)
      expect(heard, line).not.toBeNull()
      expect(Number(heard![1])).toBeLessThanOrEqual(most)
    }
    chat.end()
    expect((await chat.exited).code).toBe(0)
  })

  it('without presence(), /who goes to the peer as text (a relay may answer it)', async () => {
    const bob = await peer()
    const chat = startInProc(['--to', String(bob.port), ...local, '--linger', '0'], { input: '/who\n' })
    expect((await bob.next()).data.toString()).toBe('/who')
    expect((await chat.exited).code).toBe(0)
  })

  it('/plugins lists the plugins in effect', async () => {
    const config = writeConfig(
      "import { uppercaseEcho } from '@/plugins/index.ts'\nexport default { plugins: [uppercaseEcho()] }",
    )
    const chat = startInProc(['-c', config, ...local, '--linger', '0'], { input: '/plugins\n' })
    const { stdout, code } = await chat.exited
    expect(code).toBe(0)
    expect(stdout).toBe('  1. uppercaseEcho  inbound\n')
  })

  it("talks to the config's `to` from the start, by its contact name", async () => {
    const bob = await peer()
    const config = writeConfig(`export default { peers: { bob: '127.0.0.1:${bob.port}' }, to: 'bob' }`)
    const chat = startInProc(['-c', config, ...local, '--linger', '0'], { input: 'hi bob\n' })
    expect((await bob.next()).data.toString()).toBe('hi bob')
    expect((await chat.exited).code).toBe(0)
  })
})
