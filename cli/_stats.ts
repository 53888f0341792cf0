import type { ChatEvent } from './_core.ts'
import { counted } from './_output.ts'

/** Datagrams and bytes in and out, drops and errors, for `/stats`. */
export interface Stats {
  /** Counts one event. */
  count(event: ChatEvent): void
  /** `received 3 datagrams (15 bytes), sent 2 (10 bytes), 0 dropped, 0 errors, for 12 s` */
  describe(): string
}

export function createStats(): Stats {
  const began = Date.now()
  let received = 0
  let receivedBytes = 0
  let sent = 0
  let sentBytes = 0
  let dropped = 0
  let errors = 0
  return {
    count(event) {
      switch (event.type) {
        case 'message':
          received++
          receivedBytes += event.message.bytes.byteLength
          break
        case 'sent':
          sent++
          sentBytes += event.bytes
          break
        case 'drop':
          dropped++
          break
        case 'error':
          errors++
      }
    },
    describe() {
      const s = Math.round((Date.now() - began) / 1000)
      const counts = [
        `received ${counted(received, 'datagram')} (${counted(receivedBytes, 'byte')})`,
        `sent ${sent} (${counted(sentBytes, 'byte')})`,
      ]
      return `${counts.join(', ')}, ${dropped} dropped, ${counted(errors, 'error')}, in ${s} s`
    },
  }
}
