export type {
  BindOptions,
  DatagramHandler,
  ModuleLoader,
  RawSendCallback,
  RawSocket,
  RuntimeKey,
  SendCallback,
  UdpAdapter,
  UdpSocket,
  UdpTransport,
} from './types.ts'
export { createTransport } from './transport.ts'
export { getModuleLoader } from './get-module-loader.ts'
export { getRuntimeKey } from './get-runtime-key.ts'
export { getGroupTransport, getTransport } from './get-transport.ts'
export type { GroupOptions } from './group.ts'
