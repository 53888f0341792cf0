import { formatAddress, type Address } from '../address.ts'
import { ChatError, describeError, isChatError } from '../errors.ts'
import type { BindOptions } from './types.ts'

/**
 * The largest UDP payload to an address of `family`: 65,535 less the UDP header (8 bytes) and,
 * over IPv4, its header (20 bytes). The engine holds every datagram to it before the socket does.
 */
export function maxDatagram(family: Address['family']): number {
  return family === 'IPv6' ? 65_527 : 65_507
}

/** The error of a datagram over `maxDatagram`: the engine's and every runtime's (`EMSGSIZE`), in the same words. */
export function oversizeError(size: number, to: Address, cause?: unknown): ChatError {
  const where = formatAddress(to)
  const max = maxDatagram(to.family)
  return new ChatError(
    'E_MSG_SIZE',
    `Not sent to ${where}: ${size} bytes is more than one UDP datagram can carry (${max})`,
    {
      cause,
    },
  )
}

/** A runtime error with a Node-style `code` (Deno and Bun errors carry one too). */
export type CodedError = Error & { code?: string }

/** Deno reports a failed name lookup without a code; Node and Bun say ENOTFOUND. */
function codeOf(error: CodedError): string | undefined {
  return error.code ?? (/failed to lookup address/i.test(error.message) ? 'ENOTFOUND' : undefined)
}

/** Turns a runtime's send failure into a one-line ChatError that says what to do. */
export function sendError(error: CodedError, size: number, to: Address): ChatError {
  if (isChatError(error)) return error
  const where = formatAddress(to)
  const code = codeOf(error)
  switch (code) {
    case 'EMSGSIZE':
      return oversizeError(size, to, error)
    case 'ECONNREFUSED':
      return new ChatError('E_SEND', `Nobody is listening at ${where} (ECONNREFUSED)`, { cause: error })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ChatError('E_RESOLVE', `Not sent: host \`${to.host}\` does not resolve`, { cause: error })
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new ChatError('E_SEND', `Not sent to ${where}: no route to that network (${code})`, { cause: error })
    case 'EACCES':
      return new ChatError(
        'E_SEND',
        `Not sent to ${where}: permission denied (a broadcast address needs SO_BROADCAST, which this socket does not have)`,
        { cause: error },
      )
    case 'EINVAL':
    case 'EAFNOSUPPORT':
      return new ChatError(
        'E_SEND',
        `Not sent to ${where}: this socket cannot reach that address family (bind with --host :: for IPv6)`,
        { cause: error },
      )
    default:
      return new ChatError('E_SEND', `Not sent to ${where}: ${describeError(error)}`, { cause: error })
  }
}

/** Turns a runtime's bind failure into a one-line ChatError (the same words on every runtime). */
export function bindError(error: CodedError, options: Pick<BindOptions, 'host' | 'port'>): ChatError {
  if (isChatError(error)) return error
  const where = formatAddress(options)
  switch (codeOf(error)) {
    case 'EADDRINUSE':
      return new ChatError(
        'E_ADDR_IN_USE',
        `Port ${options.port} on ${options.host} is already in use (${where}); choose another with --port, or --port 0 for any free port`,
        { cause: error },
      )
    case 'EADDRNOTAVAIL':
      return new ChatError('E_BIND', `Cannot bind ${where}: ${options.host} is not an address of this machine`, {
        cause: error,
      })
    case 'EACCES':
      return new ChatError('E_BIND', `Cannot bind ${where}: permission denied (ports below 1024 need privileges)`, {
        cause: error,
      })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ENOENT': // Bun's name for a host that does not resolve
      return new ChatError('E_RESOLVE', `Cannot bind ${where}: host \`${options.host}\` does not resolve`, {
        cause: error,
      })
    default:
      return new ChatError('E_BIND', `Cannot bind ${where}: ${describeError(error)}`, { cause: error })
  }
}

/** Turns a runtime's failed name lookup into a one-line ChatError. */
export function lookupError(error: CodedError, host: string): ChatError {
  if (isChatError(error)) return error
  return new ChatError('E_RESOLVE', `Cannot resolve host \`${host}\` (${error.code ?? describeError(error)})`, {
    cause: error,
  })
}
