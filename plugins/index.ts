export type { AutoReplyOptions, ReplyFunction } from './auto-reply.ts'
export type { LoggerOptions } from './logger.ts'

export { autoReply } from './auto-reply.ts'
export { codec, isSupportedEncoding } from './codec.ts'
export { logger } from './logger.ts'
export { uppercaseEcho } from './uppercase-echo.ts'
