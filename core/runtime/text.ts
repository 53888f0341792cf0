import type { RuntimeKey } from './types.ts'
import { getRuntimeKey } from './get-runtime-key.ts'

type Encode = (text: string) => Uint8Array
type NodeBuffer = { from(text: string, encoding: 'utf8'): Uint8Array }

const encoder = new TextEncoder()
const viaTextEncoder: Encode = (text) => encoder.encode(text)
const viaBuffer = (): Encode => {
  const buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer
  return buffer ? (text) => buffer.from(text, 'utf8') : viaTextEncoder
}

// Buffer.from on Node and Deno, TextEncoder on Bun: the faster of the two on each (bench/NOTES.md).
const fastest: Record<RuntimeKey, () => Encode> = { node: viaBuffer, deno: viaBuffer, bun: () => viaTextEncoder }

/** Text to UTF-8 bytes, by the fastest means of the running runtime. */
export const encodeText: Encode = fastest[getRuntimeKey()]()
