import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runChat, startChat, stopAll } from '../helpers/chat-process.ts'
import { python } from '../helpers/python.ts'

// Loopback broadcast only: 127.255.255.255 never leaves this machine.
const BROADCAST = '127.255.255.255'

afterEach(stopAll)

const emptyFolder = () => mkdtempSync(join(tmpdir(), 'udpchat-bcast-'))

/** Two Python sockets sharing one port on the loopback broadcast address: print the port, then what each got. */
function twoListeners() {
  const run = python(
    `import socket\ndef sock(port):\n  s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n  s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n` +
      `  s.bind(('${BROADCAST}',port))\n  s.settimeout(15)\n  return s\n` +
      `a=sock(0)\np=a.getsockname()[1]\nb=sock(p)\nprint(p,flush=True)\n` +
      `for s in (a,b):\n  d,f=s.recvfrom(2048)\n  print(d.decode(),f[0],flush=True)`,
  )
  return { port: run.firstLine.then(Number), lines: run.done.then((out) => out.split('\n').slice(1)) }
}

describe('broadcast', () => {
  it('chat send to the broadcast address reaches two listeners, with no flag', async () => {
    const listeners = twoListeners()
    const port = await listeners.port
    const exit = await runChat(['send', `${BROADCAST}:${port}`, 'anyone there?'], { cwd: emptyFolder() })
    expect(exit.code).toBe(0)
    expect(await listeners.lines).toEqual(['anyone there? 127.0.0.1', 'anyone there? 127.0.0.1'])
  })

  it('chat listen on the broadcast address hears a Python broadcast', async () => {
    const listener = startChat(['listen', '--once', '--host', BROADCAST, '--port', '0', '--json'], {
      cwd: emptyFolder(),
    })
    const port = await listener.port()
    await python(
      `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.setsockopt(socket.SOL_SOCKET,socket.SO_BROADCAST,1)\n` +
        `s.bind(('127.0.0.1',0))\ns.sendto(b'hello all',('${BROADCAST}',${port}))`,
    ).done
    expect(await listener.event('message')).toMatchObject({
      text: 'hello all',
      from: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    })
  })
})
