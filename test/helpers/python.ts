import { spawn } from 'node:child_process'

/**
 * Runs python3 with a script, the way the tutorials talk UDP: resolves its first printed line
 * (a port, say) and, at the end, all it printed. Rejects if it exits with a failure.
 */
export function python(
  script: string,
  options: { stdin?: boolean } = {},
): { firstLine: Promise<string>; done: Promise<string>; write(text: string): void } {
  const child = spawn('python3', ['-c', script], { stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  let first!: (line: string) => void
  const firstLine = new Promise<string>((resolve) => (first = resolve))
  child.stdout!.on('data', (d: Buffer) => {
    out += d
    if (out.includes('\n')) first(out.slice(0, out.indexOf('\n')))
  })
  child.stderr!.on('data', (d: Buffer) => (err += d))
  const done = new Promise<string>((resolve, reject) => {
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`python3 exited ${code}: ${err}`)),
    )
  })
  return { firstLine, done, write: (text) => void child.stdin?.write(text) }
}

/** A Python UDP socket on 127.0.0.1 that prints its port, then the repr of each of `count` datagrams. */
export function pythonReceiver(count: number): { port: Promise<number>; datagrams: Promise<string[]> } {
  const run = python(
    `import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('127.0.0.1',0))\n` +
      `print(s.getsockname()[1],flush=True)\ns.settimeout(15)\n` +
      `for _ in range(${count}):\n  d,a=s.recvfrom(65535)\n  print(d.hex(),flush=True)`,
  )
  return {
    port: run.firstLine.then(Number),
    datagrams: run.done.then((out) => out.split('\n').slice(1)),
  }
}
