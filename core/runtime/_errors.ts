import { formatAddress } from '../address.ts'
import { ChatError, describeError } from '../errors.ts'
import type { Address } from './types.ts'

/** The largest UDP payload over IPv4 (65,535 - 8 byte UDP header - 20 byte IP header). */
export const MAX_DATAGRAM = 65_507

/** Turns a runtime's send failure into a one-line ChatError that says what to do. */
export function sendError(error: Error & { code?: string }, size: number, to: Address): ChatError {
  const where = formatAddress(to)
  switch (error.code) {
    case 'EMSGSIZE':
      return new ChatError('E_MSG_SIZE', `Not sent to ${where}: ${size} bytes is more than one UDP datagram can carry (${MAX_DATAGRAM})`, { cause: error })
    case 'ECONNREFUSED':
      return new ChatError('E_SEND', `Nobody is listening at ${where} (ECONNREFUSED)`, { cause: error })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ChatError('E_RESOLVE', `Not sent: host \`${to.host}\` does not resolve`, { cause: error })
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return new ChatError('E_SEND', `Not sent to ${where}: no route to that network (${error.code})`, { cause: error })
    case 'EINVAL':
    case 'EAFNOSUPPORT':
      return new ChatError('E_SEND', `Not sent to ${where}: this socket cannot reach that address family (bind with --host :: for IPv6)`, { cause: error })
    default:
      return new ChatError('E_SEND', `Not sent to ${where}: ${describeError(error)}`, { cause: error })
  }
}
