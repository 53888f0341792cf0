// `udpchat/transport`: the contract a socket layer implements, for people writing a transport
// (a test double, another runtime); `createChat({ transport })` takes one. Re-exports only.
export type { Address, BindOptions, DatagramHandler, RuntimeKey, SendCallback, UdpSocket, UdpTransport } from './runtime/types.ts'
export { getRuntimeKey, getTransport } from './runtime/index.ts'
