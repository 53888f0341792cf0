import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { root, runChat, startChat, stopAll } from '../helpers/chat-process.ts'
import { python, pythonReceiver } from '../helpers/python.ts'

afterEach(stopAll)

const local = ['--host', '127.0.0.1', '--port', '0']
const ALL = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
const emptyFolder = () => mkdtempSync(join(tmpdir(), 'udpchat-hex-'))

/** A Python script that sends `data` (a Python bytes expression) to the port and prints the hex of the answer. */
const pythonAsks = (port: number, data: string) =>
  python(
    `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('127.0.0.1',0))\ns.settimeout(10)\n` +
      `s.sendto(${data},('127.0.0.1',${port}))\nprint(s.recvfrom(65535)[0].hex())`,
  ).done

describe('hex in and out, byte for byte', () => {
  it('chat send hex:... puts all 256 byte values on the wire exactly (a Python socket reads them)', async () => {
    const receiver = pythonReceiver(1)
    const port = await receiver.port
    const exit = await runChat(['send', String(port), `hex:${ALL.toString('hex')}`], { cwd: emptyFolder() })
    expect(exit.code).toBe(0)
    expect(exit.stderr).toMatch(/^sent 256 bytes to /m)
    expect(await receiver.datagrams).toEqual([ALL.toString('hex')])
  })

  it('chat send hex: with spaces, 0x and \\x is forgiven; a TEXT that is not hex exits 2 and sends nothing', async () => {
    const receiver = pythonReceiver(1)
    const port = await receiver.port
    const bad = await runChat(['send', String(port), 'hex:01 0g'], { cwd: emptyFolder() })
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'chat: Expected hex bytes (such as `68 69 0d 0a`), got `g` in `01 0g`',
    })
    expect((await runChat(['send', String(port), 'hex: 0x01,0x02', '\\x0d\\x0a'], { cwd: emptyFolder() })).code).toBe(0)
    expect(await receiver.datagrams).toEqual(['01020d0a'])
  })

  it("listen --json gives every datagram's bytes as hex; all 256 values from Python come through", async () => {
    const listener = startChat(['listen', '--once', ...local, '--json'], { cwd: emptyFolder() })
    const port = await listener.port()
    await python(
      `import socket\nsocket.socket(socket.AF_INET,socket.SOCK_DGRAM).sendto(bytes(range(256)),('127.0.0.1',${port}))`,
    ).done
    expect(await listener.event('message')).toMatchObject({ bytes: 256, hex: ALL.toString('hex'), malformed: true })
  })

  it('listen --hex shows a hex dump with the ASCII beside it; bytes that are not utf-8 get one without asking', async () => {
    const dump = startChat(['listen', '--count', '2', ...local, '--hex'], { cwd: emptyFolder() })
    const plain = startChat(['listen', '--once', ...local], { cwd: emptyFolder() })
    const [dumpPort, plainPort] = await Promise.all(
      [dump, plain].map(async (c) =>
        Number((await c.waitFor(/^listening on/, { stream: 'stderr' })).match(/:(\d+)/)![1]),
      ),
    )
    await python(
      `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.sendto(b'hi\\r\\n',('127.0.0.1',${dumpPort}))\n` +
        `s.sendto(b'OK',('127.0.0.1',${dumpPort}))\ns.sendto(b'\\xff\\x00A',('127.0.0.1',${plainPort}))`,
    ).done
    const dumped = (await dump.exited).stdout.split('\n')
    expect(dumped[0]).toMatch(/^\d\d:\d\d:\d\d 127\.0\.0\.1:\d+: 4 bytes$/)
    expect(dumped[1]).toBe(`  0000  68 69 0d 0a${' '.repeat(36)}  hi..`)
    expect(dumped[3]).toBe(`  0000  4f 4b${' '.repeat(42)}  OK`)
    const shown = (await plain.exited).stdout.split('\n')
    expect(shown[0]).toMatch(/: \uFFFD\0A \[utf-8: some bytes did not decode; 3 bytes:\]$/)
    expect(shown[1]).toBe(`  0000  ff 00 41${' '.repeat(39)}  ..A`)
  })
})

describe("codec('hex'): the binary mode", () => {
  it('lets a bot match bytes and answer bytes, and echo all 256 values unchanged (Python on the other side)', async () => {
    const bot = startChat(['serve', '--config', join(root, 'test/fixtures/hex-bot/chat.config.ts'), ...local, '--json'])
    const port = await bot.port()
    expect(await pythonAsks(port, `b'\\x01\\x02'`)).toBe('0304ff')
    expect(await pythonAsks(port, 'bytes(range(256))')).toBe(ALL.toString('hex'))
  })

  it('--encoding hex: typed lines are hex; a line that is not hex is not sent, with the reason', async () => {
    const receiver = pythonReceiver(1)
    const me = startChat([...local, '--encoding', 'hex', '--to', String(await receiver.port)])
    me.write('de ad be ef')
    me.write('not hex')
    me.end()
    const exit = await me.exited
    // The piped line that was not sent makes the exit 1.
    expect(exit.code).toBe(1)
    expect(exit.stderr).toMatch(
      /Not sent to 127\.0\.0\.1:\d+: codec dropped it \(Expected hex bytes .*got `n` in `not hex`\)/,
    )
    expect(exit.stderr).toMatch(/^error 1 line of stdin not sent \(said above\)$/m)
    expect(await receiver.datagrams).toEqual(['deadbeef'])
  })
})
