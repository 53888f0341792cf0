import type { Io } from './_io.ts'
import type { Output } from './_output.ts'

/** SIGINT and SIGTERM for one run of the command line. */
export interface Signals {
  /**
   * Resolves on the first SIGINT or SIGTERM; a second one exits at once (130). Catching starts at
   * the first call and every call shares it: call it before announcing "listening", since a runtime
   * whose stdout writes synchronously (Bun) lets a signal sent on that line arrive before the next one runs.
   * Until the config is read, it does not catch them yet: a config that never finishes loading
   * (an endless loop at import runs no handler) must still stop on SIGTERM, as any program does.
   */
  until(output: Output): Promise<NodeJS.Signals>
  /** The first config has been read (or failed to): signals are caught from now on. */
  configLoaded(): void
}

/** @param exit ends the run with a code (a second signal) */
export function createSignals(io: Io, exit: (code: number) => void): Signals {
  let signalled: Promise<NodeJS.Signals> | undefined
  let configRead = false
  let catchSignals: (() => void) | undefined
  const caught = () => {
    catchSignals?.()
    catchSignals = undefined
  }
  return {
    until(output) {
      return (signalled ??= new Promise((resolve) => {
        let seen = false
        const onSignal = (signal: NodeJS.Signals) => {
          if (seen) {
            output.logger.warn(`${signal} again: exiting without cleaning up`)
            return exit(130)
          }
          seen = true
          resolve(signal)
        }
        catchSignals = () => {
          io.signals.on('SIGINT', onSignal)
          io.signals.on('SIGTERM', onSignal)
        }
        if (configRead) caught()
      }))
    },
    configLoaded() {
      configRead = true
      caught()
    },
  }
}
