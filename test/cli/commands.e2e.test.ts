import { afterEach, describe, expect, it } from 'vitest'
import { root, runChat, startChat, stopAll } from '../helpers/chat-process.ts'
import { closeAfterTest } from '../helpers/cleanup.ts'
import { plainSocket } from '../helpers/udp.ts'

// The in-chat commands and the example configs with contacts and a room, through the real `chat`.
afterEach(stopAll)

const example = (name: string) => `${root}examples/${name}.config.ts`
const peer = async () => closeAfterTest(await plainSocket())

describe('in-chat commands (examples/contacts.config.ts)', () => {
  it('/peers lists the contacts, /help the commands, /to switches, //text sends a line starting with /', async () => {
    const alice = await peer()
    const chat = startChat(['--config', example('contacts'), '--port', '0'])
    await chat.waitFor(/listening on 127\.0\.0\.1:\d+/, { stream: 'stderr' })
    chat.write('/peers')
    expect(await chat.waitFor(/^ {2}time /)).toBe('  time  127.0.0.1:9997')
    expect(chat.stdout).toContain('  echo  127.0.0.1:9999')
    chat.write('/help')
    expect(await chat.waitFor(/\/quit/)).toMatch(/\/to NAME|\/to/)
    chat.write(`/to 127.0.0.1:${alice.port}`)
    expect(await chat.waitFor(/talking to/, { stream: 'stderr' })).toContain(`talking to 127.0.0.1:${alice.port}`)
    chat.write('//etc/hosts is a path')
    expect((await alice.next()).data.toString()).toBe('/etc/hosts is a path')
    chat.write('plain words')
    expect((await alice.next()).data.toString()).toBe('plain words')
    chat.write('/to')
    expect(await chat.waitFor(/Usage: \/to/, { stream: 'stderr' })).toContain('/to NAME or /to HOST:PORT')
    chat.write('/to nobody')
    expect(await chat.waitFor(/nobody/, { stream: 'stderr' })).toMatch(/Unknown target `nobody`/)
    chat.write('/to time')
    expect(await chat.waitFor(/talking to time/, { stream: 'stderr' })).toContain('talking to time (127.0.0.1:9997)')
    chat.write('/quit')
    expect((await chat.exited).code).toBe(0)
  })

  it('shows a message from an address that is not a contact by its address (--json peer: null)', async () => {
    const chat = startChat(['--config', example('contacts'), '--port', '0', '--json'])
    const port = await chat.port()
    const echo = await peer()
    chat.write(`/to 127.0.0.1:${echo.port}`)
    await chat.waitFor(/talking to/, { stream: 'stderr' })
    await echo.send('who am I', port)
    expect(await chat.event('message')).toMatchObject({ peer: null, from: `127.0.0.1:${echo.port}` })
    chat.end()
    expect((await chat.exited).code).toBe(0)
  })
})

describe('examples/relay.config.ts', () => {
  it('relays between members as HOST:PORT: text; quit leaves the room', async () => {
    const server = startChat(['serve', '--config', example('relay'), '--port', '0', '--json'])
    const port = await server.port()
    const [alice, bob] = [await peer(), await peer()]
    await alice.send('^hb^', port)
    await bob.send('^hb^', port)
    await alice.send('hi all', port)
    const line = `127.0.0.1:${alice.port}: hi all`
    expect((await alice.next()).data.toString()).toBe(line)
    expect((await bob.next()).data.toString()).toBe(line)
    await bob.send('quit', port)
    const left = await server.event('drop', { match: (e) => e.reason === 'relay: quit' })
    expect(left).toMatchObject({ plugin: 'relay', direction: 'inbound', peer: `127.0.0.1:${bob.port}`, text: 'quit' })
    await alice.send('still here?', port)
    expect((await alice.next()).data.toString()).toBe(`127.0.0.1:${alice.port}: still here?`)
    await expect(bob.next(300)).rejects.toThrow(/no datagram/)
    server.kill('SIGTERM')
    expect((await alice.next()).data.toString()).toBe('Bye!')
    expect((await server.exited).code).toBe(0)
  })
})

describe('--json fields and IPv6 through the command line', () => {
  it('listening names the runtime and family; a failing hook gives error.code and the plugin', async () => {
    const server = startChat(['serve', '--config', `${root}test/fixtures/throwing-plugin/chat.config.ts`, '--json'])
    const listening = await server.event('listening')
    expect(listening).toMatchObject({ host: '127.0.0.1', family: 'IPv4', runtime: process.env.CHAT_RUNTIME ?? 'node' })
    const alice = await peer()
    await alice.send('hi', listening.port)
    expect(await server.event('error')).toMatchObject({
      code: 'E_PLUGIN',
      plugin: 'broken',
      hook: 'inbound',
      peer: `127.0.0.1:${alice.port}`,
    })
  })

  it('listens on ::1 and takes a send to [::1]:PORT', async () => {
    const listener = startChat(['listen', '--once', '--host', '::1', '--port', '0', '--json'])
    const listening = await listener.event('listening')
    expect(listening).toMatchObject({ host: '::1', family: 'IPv6' })
    const sent = await runChat(['send', '--host', '::1', `[::1]:${listening.port}`, 'over v6'])
    expect(sent.code).toBe(0)
    const exit = await listener.exited
    expect(exit.code).toBe(0)
    const message = exit.stdout
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((e) => e.event === 'message')
    expect(message).toMatchObject({ text: 'over v6' })
    expect(message.from).toMatch(/^\[::1\]:\d+$/)
  })

  it('sends to [::1]:PORT without --host (the socket binds IPv6 for an IPv6 target)', async () => {
    const listener = startChat(['listen', '--once', '--host', '::1', '--port', '0', '--json'])
    const { port } = await listener.event('listening')
    const sent = await runChat(['send', `[::1]:${port}`, 'no --host'])
    expect(sent.stderr).not.toMatch(/address family/)
    expect(sent.code).toBe(0)
    expect((await listener.event('message')).text).toBe('no --host')
  })
})
