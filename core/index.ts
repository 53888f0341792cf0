export type { Address, BindOptions, DatagramHandler, ModuleLoader, RuntimeKey, SendCallback, UdpSocket, UdpTransport } from './runtime/types.ts'
export type { ChatConfig, ResolvedConfig, ResolvedPlugin } from './config.ts'
export type { Chat, ChatOptions, PluginInfo } from './chat.ts'
export type { ChatEvent, ChatEventHandler } from './events.ts'
export type { ChatErrorCode } from './errors.ts'
export type {
  Decoded, Drop, HookName, InboundResult, Message, Outgoing, OutboundResult, Peers, Plugin, PluginContext, PluginHooks, Target,
} from './types.ts'

export { defineConfig, resolveConfig } from './config.ts'
export { definePlugin } from './plugin.ts'
export { drop, isDrop } from './types.ts'
export { createChat, describeEvent } from './chat.ts'
export { loadConfig } from './load.ts'
export { ChatError, describeError, isChatError } from './errors.ts'
export { formatAddress, parseHostPort } from './address.ts'
export { describePeer, resolveTarget } from './peers.ts'
export { decodeUtf8, encodeUtf8 } from './utf8.ts'
export { getModuleLoader, getRuntimeKey, getTransport } from './runtime/index.ts'
