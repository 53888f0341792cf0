/** Returned by a hook to stop a message; `reason` is shown in traces and `--json`. */
export interface Drop {
  readonly drop: string
}

/** Stops the message here, with a reason for whoever is watching. */
export function drop(reason: string): Drop {
  return { drop: reason }
}

export function isDrop(value: unknown): value is Drop {
  return typeof value === 'object' && value !== null && typeof (value as Drop).drop === 'string'
}
