import { execFile, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('./forge.py', import.meta.url))

/**
 * Why datagrams with a forged source cannot be sent here, or `undefined` when they can: it takes
 * a raw socket (root) and python3.
 */
export const cannotForge: string | undefined =
  typeof process.getuid === 'function' && process.getuid() !== 0
    ? 'forging a source address takes a raw socket: run the tests as root'
    : spawnSync('python3', ['-c', '']).status !== 0
      ? 'forging a source address takes python3'
      : undefined

/** Sends each text as one UDP datagram to 127.0.0.1:`to` that claims to come from `from` (loopback only). */
export function forge(from: { host: string; port: number }, to: number, ...texts: string[]): Promise<void> {
  const payloads = texts.map((text) => Buffer.from(text).toString('base64'))
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      [script, from.host, String(from.port), '127.0.0.1', String(to), ...payloads],
      (error, _out, stderr) => (error ? reject(new Error(`forge.py failed: ${stderr || error.message}`)) : resolve()),
    )
  })
}
