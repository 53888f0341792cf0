import { describe, expect, it } from 'vitest'
import { fuzzServer, SERVERS } from '../helpers/fuzz.ts'

// `npm run fuzz` runs the same with 1,000,000 datagrams per server. The mutation run sets
// UDPCHAT_FUZZ_COUNT to 2,000 (vitest.mutate.config.ts): a mutant this test finds fails on the
// first datagram of a kind it mishandles, and each of fuzzDatagram's kinds, the rarest (65,507
// random bytes) included, comes a few times in 2,000; this file is most of a run's time otherwise.
const COUNT = Number(process.env.UDPCHAT_FUZZ_COUNT ?? 20_000)

describe('fuzz: hostile datagrams at every example server', () => {
  it.each(Object.keys(SERVERS))(
    '%s: no crash, no error event, bounded memory, and it answers afterwards',
    async (server) => {
      const result = await fuzzServer(server, COUNT, 11)
      expect(result.errors).toEqual([])
      expect(result.sent).toBe(COUNT)
      // A few may be lost in the socket's buffer on a busy machine; nearly all must be read.
      expect(result.handled).toBeGreaterThan(COUNT * 0.95)
      expect(result.rssGrowthMB).toBeLessThan(200)
      expect(result.answeredAfter).toBe(true)
    },
    120_000,
  )
})
