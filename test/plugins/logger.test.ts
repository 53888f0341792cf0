import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { logger, uppercaseEcho } from '../../plugins/index.ts'
import { kit } from './_kit.ts'

describe('logger()', () => {
  it('logs each message in and out to the console by default', async () => {
    const t = await kit([logger(), uppercaseEcho()])
    const alice = t.peer('alice', { contact: true })
    const delivery = await alice.send('hi')
    expect(delivery.logs.map((l) => `${l.tag} ${l.text}`)).toEqual([
      `logger <- alice (127.0.0.1:${alice.address.port}): hi`,
      `logger -> alice (127.0.0.1:${alice.address.port}): HI`,
    ])
  })

  it('writes a JSONL transcript, flushed when the chat closes', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'udpchat-logger-')), 'chat.jsonl')
    const t = await kit([logger({ file, flushInterval: 60_000 }), uppercaseEcho()])
    const alice = t.peer()
    const delivery = await alice.send('hi')
    expect(delivery.logs).toEqual([])
    await t.close()
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toMatchObject([
      { dir: 'in', from: `127.0.0.1:${alice.address.port}`, text: 'hi', bytes: 2, encoding: 'utf-8' },
      { dir: 'out', to: `127.0.0.1:${alice.address.port}`, text: 'HI' },
    ])
  })
})
