/** Every failure udpchat expects, by kind. The CLI maps each code to an exit status. */
export type ChatErrorCode =
  | 'E_CONFIG' // the config file is missing, does not load, or does not validate
  | 'E_USAGE' // the command line is wrong
  | 'E_TARGET' // a target is neither a contact name nor HOST:PORT
  | 'E_ADDR_IN_USE' // bind: the port is taken
  | 'E_BIND' // bind: any other failure (no such address, permission)
  | 'E_RESOLVE' // a host name does not resolve
  | 'E_MSG_SIZE' // a datagram larger than UDP allows
  | 'E_SEND' // the socket refused to send
  | 'E_PLUGIN' // a plugin failed in setup or dispose

/** The one error class of udpchat: a message meant for a user, and a code to branch on. */
export class ChatError extends Error {
  override readonly name = 'ChatError'
  readonly code: ChatErrorCode

  constructor(code: ChatErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

export function isChatError(error: unknown): error is ChatError {
  return error instanceof Error && error.name === 'ChatError' && typeof (error as ChatError).code === 'string'
}

/** A short, single-line description of anything thrown, for reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n', 1)[0] || error.name
  return String(error)
}
