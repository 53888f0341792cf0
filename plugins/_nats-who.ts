import { decodeUtf8, encodeUtf8, formatAddress, type Peers } from '../core/index.ts'
import type { Link } from './_nats-link.ts'
import type { RelayRoom } from './relay.ts'

/** Names listed per relay in a `/who` answer; the rest are counted. */
const NAMES = 10
/** A `/who` answer fits one datagram that no network fragments. */
const MAX_TEXT = 1200
/** Answers from more relays than this are counted, not listed. */
const MAX_RELAYS = 100

interface Presence {
  relay: string
  count: number
  names: string[]
}

function presence(relay: string, room: RelayRoom, peers: Peers): Presence {
  const names: string[] = []
  for (const member of room.members()) {
    if (names.length === NAMES) break
    names.push(peers.nameOf(member) ?? formatAddress(member))
  }
  return { relay, count: room.size(), names }
}

/** This relay's answer to a `/who` request on the broker. */
export function whoAnswer(relay: string, room: RelayRoom, peers: Peers): Uint8Array {
  const { count, names } = presence(relay, room, peers)
  return encodeUtf8(JSON.stringify({ r: relay, n: count, m: names }))
}

function parseAnswer(data: Uint8Array): Presence | undefined {
  if (data.byteLength > 8192) return undefined
  try {
    const x = JSON.parse(decodeUtf8(data).text)
    if (typeof x?.r !== 'string' || !Number.isSafeInteger(x.n) || x.n < 0 || !Array.isArray(x.m)) return undefined
    const names = (x.m as unknown[]).filter((n): n is string => typeof n === 'string').slice(0, NAMES)
    return { relay: x.r, count: x.n, names }
  } catch {
    return undefined
  }
}

/**
 * Asks every relay on the room's subject who is there and says it in one line:
 * `who: 5 members on 3 relays: east 2 (alice, 127.0.0.1:5001), ...`. With the bridge down, only this relay.
 */
export async function askWho(
  link: Link,
  subject: string,
  wait: number,
  relay: string,
  room: RelayRoom,
  peers: Peers,
): Promise<string> {
  const up = link.up
  const answers = up ? await link.gather(`${subject}.who`, wait) : []
  const all = [presence(relay, room, peers)]
  for (const msg of answers.slice(0, MAX_RELAYS)) {
    const p = parseAnswer(msg.data)
    if (p) all.push(p)
  }
  const total = all.reduce((sum, p) => sum + p.count, 0)
  const each = all.map((p) => {
    const more = p.count > p.names.length ? `, +${p.count - p.names.length}` : ''
    return `${p.relay} ${p.count}${p.names.length ? ` (${p.names.join(', ')}${more})` : ''}`
  })
  const head = `who: ${total} member${total === 1 ? '' : 's'} on ${all.length} relay${all.length === 1 ? '' : 's'}`
  const line = `${head}${up ? '' : ' (the bridge is down: this relay only)'}: ${each.join('; ')}`
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 3)}...` : line
}
