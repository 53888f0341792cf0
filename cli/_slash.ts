import { distance } from '../core/suggest.ts'
import type { Output } from './_output.ts'

/**
 * What to do with a `/name` line: the chat's own command, text for a bot (`/roll 2d6` goes to
 * the peer as typed), or nothing when it looks like a mistyped command of ours (`/qiut`).
 */
export type SlashRoute = 'own' | 'text' | 'typo'

/** Routes `/name` lines for a command with these commands; says once that others go out as text. */
export function slashRouter(output: Output, own: readonly string[]): (name: string) => SlashRoute {
  let told = false
  return (name) => {
    if (own.includes(name)) return 'own'
    // One letter added, removed, changed, or two neighbours swapped.
    const near = own.find((command) => command.length > 2 && distance(name, command) === 1)
    if (near) {
      output.logger.warn(
        `Not sent: /${name} is not a chat command (did you mean /${near}?); //${name} sends it as text`,
      )
      return 'typo'
    }
    if (!told) {
      told = true
      output.logger.info(
        `/${name} is not a chat command, so it was sent as text (for bots); /help lists the chat's own`,
      )
    }
    return 'text'
  }
}
