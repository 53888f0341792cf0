// What the command line takes from core/: the public face, and the helpers only the CLI uses
// (kept off `udpchat` itself). Re-exports only.
export * from '../core/index.ts'
export type { ModuleLoader, UdpTransport } from '../core/runtime/types.ts'
export { describePlugins, orderPlugins } from '../core/plugin.ts'
export { describeReload } from '../core/reload-report.ts'
export { loadConfig } from '../core/load.ts'
export { createPeers, describePeer, resolveTarget } from '../core/peers.ts'
export { getModuleLoader, getRuntimeKey, getTransport } from '../core/runtime/index.ts'
