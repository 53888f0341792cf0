import { execFileSync, spawn, type ChildProcess } from 'node:child_process'

/**
 * The `nats-server` binary: NATS_SERVER, else on PATH, else where Debian's package puts it
 * (/usr/sbin, often not on a user's PATH); `undefined` when there is none.
 */
export const natsServerBin: string | undefined = (() => {
  const candidates = process.env.NATS_SERVER ? [process.env.NATS_SERVER] : ['nats-server', '/usr/sbin/nats-server']
  for (const bin of candidates) {
    try {
      execFileSync(bin, ['--version'], { stdio: 'ignore' })
      return bin
    } catch {
      // the next one
    }
  }
  return undefined
})()

/** Why the NATS tests and benchmarks do not run here, and how to get them. */
export const NO_NATS_SERVER =
  'nats-server not found (Debian: `apt-get install nats-server`; or put it on PATH or name it in NATS_SERVER)'

/** A `nats-server` of our own on 127.0.0.1. */
export interface NatsServer {
  readonly port: number
  readonly url: string
  /** Its HTTP monitoring endpoint (`http://127.0.0.1:PORT`), when started with `{ monitor: true }`. */
  readonly monitor: string | undefined
  /** The running server's process id (for CPU figures). */
  readonly pid: number
  /** Kills it at once (SIGKILL), as a crash would; resolves when it is gone. */
  kill(): Promise<void>
  /** Starts it again on the same port. */
  restart(): Promise<void>
  /** Stops it, if it runs. */
  stop(): Promise<void>
}

const LISTENING = /Listening for client connections on [^\s]+:(\d+)/
const MONITOR = /Starting http monitor on [^\s]+:(\d+)/

interface Launched {
  child: ChildProcess
  port: number
  monitorPort: number | undefined
}

/** `monitorPort`: -1 for one the server picks, undefined for none. */
function launch(port: number, monitorPort?: number): Promise<Launched> {
  const args = ['-a', '127.0.0.1', '-p', String(port)]
  if (monitorPort !== undefined) args.push('-m', String(monitorPort))
  const child = spawn(natsServerBin!, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  return new Promise((resolve, reject) => {
    let log = ''
    const timer = setTimeout(() => fail(new Error(`nats-server did not listen within 10 s:\n${log}`)), 10_000)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString()
      const found = LISTENING.exec(log)
      const monitor = MONITOR.exec(log)
      if (!found || (monitorPort !== undefined && !monitor)) return
      clearTimeout(timer)
      child.stderr!.removeAllListeners('data')
      child.stderr!.resume()
      resolve({ child, port: Number(found[1]), monitorPort: monitor ? Number(monitor[1]) : undefined })
    })
    child.on('error', fail)
    child.on('exit', (code) => fail(new Error(`nats-server exited (${code}) before listening:\n${log}`)))
  })
}

const children = new Set<ChildProcess>()
// A test that timed out may leave a server running; the worker takes them down when it exits.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

const gone = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  )

/**
 * Starts `nats-server` on 127.0.0.1 and a port it picks (`-p -1`), never a fixed one; with
 * `monitor`, its HTTP monitoring too (`-m -1`), which lists the connections it has closed.
 */
export async function startNatsServer(options: { monitor?: boolean } = {}): Promise<NatsServer> {
  const first = await launch(-1, options.monitor ? -1 : undefined)
  const { port, monitorPort } = first
  let { child } = first
  let running = true
  child.removeAllListeners('exit')
  const end = async (signal: NodeJS.Signals) => {
    if (!running) return
    running = false
    child.kill(signal)
    await gone(child)
  }
  return {
    port,
    url: `127.0.0.1:${port}`,
    monitor: monitorPort === undefined ? undefined : `http://127.0.0.1:${monitorPort}`,
    get pid() {
      return child.pid!
    },
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGKILL')
      ;({ child } = await launch(port, monitorPort))
      child.removeAllListeners('exit')
      running = true
    },
    stop: () => end('SIGTERM'),
  }
}
