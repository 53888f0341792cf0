import { describe, expect, it } from 'vitest'
import { runInProc, startInProc, usePeers, writeConfig } from '../helpers/inproc.ts'
import { freePort } from '../helpers/udp.ts'

const peer = usePeers()

describe('command-line overrides of the config, in process', () => {
  it("--port binds that port; without it, listen binds the config's port and send any free one", async () => {
    const port = await freePort()
    const flagged = startInProc(['listen', '--host', '127.0.0.1', '--port', String(port), '--json'])
    expect((await flagged.event('listening')).port).toBe(port)
    flagged.kill('SIGTERM')
    await flagged.exited
    const config = writeConfig(`export default { host: '127.0.0.1', port: ${port} }`)
    const configured = startInProc(['listen', '-c', config, '--json'])
    expect((await configured.event('listening')).port).toBe(port)
    configured.kill('SIGTERM')
    await configured.exited
    const device = await peer()
    const sent = await runInProc(['send', String(device.port), 'hi', '-c', config, '--json'])
    expect(sent.code).toBe(0)
    expect((await device.next()).from.port).not.toBe(port)
  })

  it('--encoding replaces the config’s codec', async () => {
    const config = writeConfig(
      "import { codec } from '@/plugins/index.ts'\nexport default { host: '127.0.0.1', port: 0, plugins: [codec('utf-8')] }",
    )
    const chat = startInProc(['listen', '-c', config, '--encoding', 'latin1', '--json', '--once'])
    expect((await chat.event('listening')).plugins).toEqual(['codec'])
    const device = await peer()
    await device.send(Buffer.from([0xe9]), await chat.port())
    expect(await chat.event('message')).toMatchObject({ text: 'é', encoding: 'latin1', malformed: false })
    expect((await chat.exited).code).toBe(0)
  })

  it("keeps the config's room interface and TTL when no flag changes them", async () => {
    const config = writeConfig(
      "export default { host: '127.0.0.1', group: { address: '239.255.1.2:9', interface: '127.0.0.1', ttl: 0 } }",
    )
    const chat = startInProc(['listen', '-c', config])
    expect(await chat.waitFor(/multicast room/, { stream: 'stderr' })).toBe(
      'in the multicast room 239.255.1.2:9 (on 127.0.0.1, ttl 0): what is sent to it reaches everyone in it',
    )
    chat.kill('SIGTERM')
    expect((await chat.exited).code).toBe(0)
  })

  it('an IPv6 target does not override a host given by --host or the config', async () => {
    const flag = await runInProc(['send', '[::1]:9', 'hi', '--host', '127.0.0.1'])
    expect(flag.code).toBe(1)
    expect(flag.stderr).toMatch(/address family/)
    const config = writeConfig("export default { host: '127.0.0.1' }")
    const configured = await runInProc(['send', '[::1]:9', 'hi', '-c', config])
    expect(configured.code).toBe(1)
    expect(configured.stderr).toMatch(/address family/)
  })
})

describe('/stats counts drops and errors', () => {
  it('one dropped on the way out; one error from a plugin (the message itself still arrives)', async () => {
    const config = writeConfig(`import { drop } from '@/core/index.ts'
export default { host: '127.0.0.1', port: 0, plugins: [{
  name: 'strict',
  outbound: (m) => (m.text === 'secret' ? drop('no') : m),
  inbound: (m) => { if (m.text === 'boom') throw new Error('boom'); return m },
}] }`)
    const amy = await peer()
    const chat = startInProc(['-c', config, '--to', String(amy.port), '--json'])
    const port = await chat.port()
    chat.write('secret')
    await chat.event('drop')
    await amy.send('boom', port)
    await chat.event('error')
    chat.write('/stats')
    expect(await chat.waitFor(/received/)).toMatch(
      /^ {2}received 1 datagram \(4 bytes\), sent 0 \(0 bytes\), 1 dropped, 1 error, in [0-9] s$/,
    )
    chat.end()
    // The line a plugin dropped was piped in and did not leave: exit 1.
    expect((await chat.exited).code).toBe(1)
  })
})

describe('a config with several problems', () => {
  it('prints one line each, every one starting with `chat:`, and exits 2', async () => {
    const config = writeConfig(`export default { port: 'x', host: 5, recvBufferSize: -1 }`)
    const exit = await runInProc(['serve', '-c', config])
    expect(exit.code).toBe(2)
    const lines = exit.stderr.trimEnd().split('\n')
    expect(lines.length).toBe(3)
    for (const line of lines) expect(line).toMatch(/^chat: .*chat\.config\.ts: (port|host|recvBufferSize): expected /)
  })
})
