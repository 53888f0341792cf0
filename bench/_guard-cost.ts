// The guard's cost per datagram, measured in this process over a transport that hands each
// datagram straight to the chat (as bench/hotpath.ts does): steadier than sockets on a busy machine.
import { createChat, resolveConfig, type ChatConfig } from '../core/index.ts'
import type { Address } from '../core/index.ts'
import { createTransport } from '../core/transport.ts'
import { codec, uppercaseEcho } from '../plugins/index.ts'

const local: Address = { host: '127.0.0.1', port: 40_000, family: 'IPv4' }

async function nsPerDatagram(limits: ChatConfig['limits'], count: number, sources: number): Promise<number> {
  let deliver: (data: Uint8Array, from: Address) => void = () => {}
  const transport = createTransport('node', () => ({
    async bind(options) {
      deliver = options.onDatagram
      return { local, send: (_data, _to, done) => process.nextTick(done), close: async () => {} }
    },
    lookup: async (host) => ({ host, family: 'IPv4' }),
    interfaces: () => ['127.0.0.1'],
    isIP: () => 4,
  }))
  const config = resolveConfig({ host: '127.0.0.1', port: 0, limits, plugins: [codec('utf-8'), uppercaseEcho()] })
  const chat = await createChat({ config, transport, onEvent: () => {}, datagramEvents: [] })
  const payload = Buffer.alloc(64, 'x')
  const froms: Address[] = Array.from({ length: Math.min(sources, 100_000) }, (_, i) => ({
    host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    port: 50_000,
    family: 'IPv4',
  }))
  const round = async (n: number) => {
    const began = process.hrtime.bigint()
    for (let i = 0; i < n; i += 1024) {
      // The same buffer and address objects each time, and a turn of the loop only now and then
      // (for the replies' callbacks): the harness should cost next to nothing.
      for (let j = 0; j < 1024; j++) deliver(payload, froms[(i + j) % froms.length]!)
      await new Promise((resolve) => setImmediate(resolve))
    }
    return Number(process.hrtime.bigint() - began) / n
  }
  await round(count / 4)
  const samples = [await round(count), await round(count), await round(count)].sort((a, b) => a - b)
  await chat.close()
  return samples[1]!
}

/** Median ns per datagram: rate-limited (one source, then 100,000), and the echo with limits off and on. */
export async function guardCost(count: number) {
  const limited = { perSource: { rate: 1e-9, burst: 1 } } as const
  return {
    limitedNs: await nsPerDatagram(limited, count, 1),
    limitedManyNs: await nsPerDatagram(limited, count, 100_000),
    offNs: await nsPerDatagram({ perSource: false, answers: false, amplification: false }, count, 1),
    onNs: await nsPerDatagram({ perSource: { rate: 1e9 }, answers: { rate: 1e9 } }, count, 1),
  }
}
