import type { Output } from './_output.ts'

let signalled: Promise<NodeJS.Signals> | undefined
/** Until the first config is read, signals keep their default action (see `untilSignal`). */
let configRead = false
let catchSignals: (() => void) | undefined

/**
 * Resolves on the first SIGINT or SIGTERM; a second one exits at once. Catching starts at the
 * first call and every call shares it: call it before announcing "listening", since a runtime
 * whose stdout writes synchronously (Bun) lets a signal sent on that line arrive before the next one runs.
 * Until the config is read, it does not catch them yet: a config that never finishes loading
 * (an endless loop at import runs no handler) must still stop on SIGTERM, as any program does.
 */
export function untilSignal(output: Output): Promise<NodeJS.Signals> {
  return (signalled ??= new Promise((resolve) => {
    let seen = false
    const onSignal = (signal: NodeJS.Signals) => {
      if (seen) {
        output.logger.warn(`${signal} again: exiting without cleaning up`)
        process.exit(130)
      }
      seen = true
      resolve(signal)
    }
    catchSignals = () => {
      process.on('SIGINT', onSignal)
      process.on('SIGTERM', onSignal)
    }
    if (configRead) caught()
  }))
}

/** The first config has been read (or failed to): signals are caught from now on. */
export function configLoaded(): void {
  configRead = true
  caught()
}

function caught(): void {
  catchSignals?.()
  catchSignals = undefined
}
