import { describe, expect, it } from 'vitest'
import { definePlugin, resolveConfig } from '../../core/index.ts'
import { kit } from '../helpers/kit.ts'

// What a reload cannot apply, said in its report; what chat.plugins() shows; a reload after close.
describe('chat.reload() notes', () => {
  it('keeps the socket where it is when the new config names another host or port, and says so', async () => {
    const t = await kit([])
    const report = await t.chat.reload(resolveConfig({ host: '127.0.0.1', port: 9999, plugins: [] }))
    expect(report.notes).toEqual([
      `the socket stays on 127.0.0.1:${t.address.port}: a new host or port needs a restart`,
    ])
    expect(t.chat.local).toEqual(t.address)
    const same = await t.chat.reload(resolveConfig({ host: '127.0.0.1', port: 0, plugins: [] }))
    expect(same.notes).toEqual([])
    const otherHost = await t.chat.reload(resolveConfig({ host: '0.0.0.0', port: 0, plugins: [] }))
    expect(otherHost.notes).toHaveLength(1)
  })

  it('adds the contacts of the new config, and notes one that does not resolve', async () => {
    const t = await kit([])
    const report = await t.chat.reload(
      resolveConfig({ host: '127.0.0.1', port: 0, peers: { bob: '127.0.0.1:5000', eve: 'nowhere.invalid:1' } }),
    )
    expect(t.chat.peers.get('bob')).toEqual({ host: '127.0.0.1', port: 5000, family: 'IPv4' })
    expect(t.chat.peers.get('eve')).toBeUndefined()
    expect(report.notes).toHaveLength(1)
    expect(report.notes[0]).toMatch(/^contact eve: /)
  })

  it('refuses a reload once the chat is closed', async () => {
    const t = await kit([])
    await t.close()
    await expect(t.chat.reload(resolveConfig({ host: '127.0.0.1', port: 0 }))).rejects.toMatchObject({
      code: 'E_PLUGIN',
      message: 'Cannot reload: the chat is closed',
    })
  })

  it('wraps a failed setup as a plugin error saying the old plugins keep running', async () => {
    const t = await kit([definePlugin({ name: 'old', inbound: () => undefined })])
    const failing = definePlugin({
      name: 'new',
      setup: () => {
        throw new Error('no key')
      },
    })
    const error = await t.reload([failing]).catch((e: unknown) => e as Error & { code: string })
    expect(error).toMatchObject({
      code: 'E_PLUGIN',
      message: 'Plugin "new" failed to start: no key; the old plugins keep running',
    })
    expect(t.chat.plugins().map((p) => p.name)).toEqual(['old'])
  })
})

describe('chat.plugins()', () => {
  it('lists the plugins in the order they run, with their hooks, enforce, options and hooks switched off', async () => {
    const t = await kit({
      plugins: [
        definePlugin({ name: 'late', enforce: 'post', inbound: () => undefined }),
        definePlugin({
          name: 'flaky',
          options: { n: 1 },
          decode: () => undefined,
          inbound: () => {
            throw new Error('x')
          },
        }),
        definePlugin({ name: 'early', enforce: 'pre', setup: () => {} }),
      ],
      maxFailures: 1,
    })
    await t.peer('alice').send('x')
    expect(t.chat.plugins()).toEqual([
      { name: 'early', enforce: 'pre', hooks: ['setup'], off: [], options: undefined },
      { name: 'flaky', hooks: ['decode', 'inbound'], off: ['inbound'], options: { n: 1 } },
      { name: 'late', enforce: 'post', hooks: ['inbound'], off: [], options: undefined },
    ])
    await t.close()
    expect(t.chat.plugins()).toEqual([])
  })
})
