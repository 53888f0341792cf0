// `udpchat/transport`: the contract a socket layer implements, for people writing a transport
// (a test double, another runtime); `createChat({ transport })` takes one. Re-exports only.
// An adapter supplies the primitives (`UdpAdapter`); `createTransport` wraps it as every built-in
// runtime's is: the closed guard, and each runtime error a one-line ChatError.
export type { Address } from './address.ts'
export type {
  BindOptions,
  DatagramHandler,
  Lane,
  MulticastControls,
  OpenLane,
  RawSendCallback,
  RawSocket,
  RuntimeKey,
  SendCallback,
  UdpAdapter,
  UdpSocket,
  UdpTransport,
} from './runtime/types.ts'
export { createTransport, getRuntimeKey, getTransport } from './runtime/index.ts'
