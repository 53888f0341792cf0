// `udpchat`: what a config or a plugin's author needs, and createChat() to run a chat as a library.
// Re-exports only. The command line's own helpers are not here (cli/_core.ts gathers them); the
// socket layer's contract is `udpchat/transport`, the test kit `udpchat/testing`.
export type { Address } from './address.ts'
export type { GroupOptions } from './runtime/group.ts'
export type { ChatConfig, ResolvedConfig, ResolvedPlugin } from './config.ts'
export type { Chat, ChatOptions } from './chat.ts'
export type { PluginInfo } from './plugin.ts'
export type { DisposeFailure, ReloadReport } from './reload-report.ts'
export type { Trace, TraceStep } from './trace.ts'
export type { AnyHookName } from './hooks.ts'
export type { ChatEvent, ChatEventHandler } from './events.ts'
export type { ChatErrorCode } from './errors.ts'
export type { GuardCounts } from './guard.ts'
export type { Limits, LimitsInput } from './limits.ts'
export type { SourceBucketsOptions } from './source-buckets.ts'
export type { SendBudgetOptions } from './send-budget.ts'
export type { InferOutput, StandardIssue, StandardResult, StandardSchema } from './standard-schema.ts'
export type {
  Decoded,
  Drop,
  HookName,
  InboundResult,
  Message,
  Meta,
  Outgoing,
  OutboundResult,
  Peers,
  Plugin,
  PluginContext,
  PluginHooks,
  Target,
} from './types.ts'

export { defineConfig, resolveConfig } from './config.ts'
export { drop, isDrop } from './types.ts'
export { createChat } from './chat.ts'
export { describeEvent } from './events.ts'
export { definePlugin } from './plugin.ts'
export { ChatError, describeError, isChatError } from './errors.ts'
export { formatAddress, parseHostPort } from './address.ts'
export { decodeUtf8, encodeUtf8 } from './utf8.ts'
export { SourceBuckets } from './source-buckets.ts'
export { SendBudget } from './send-budget.ts'
export { hexDump, parseHex, toHex } from './hex.ts'
// valibot, as `v`: a plugin's options schema needs no dependency of its own (`import { v } from 'udpchat'`).
export * as v from 'valibot'
