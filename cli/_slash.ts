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
    const near = own.find((command) => command.length > 2 && closeTo(name, command))
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

/** True when one letter added, removed, changed, or two neighbours swapped, turn `a` into `b`. */
function closeTo(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  const rest = (x: string, n: number) => x.slice(i + n)
  if (a.length === b.length) {
    return rest(a, 1) === rest(b, 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, 2) === rest(b, 2))
  }
  return a.length > b.length ? rest(a, 1) === rest(b, 0) : rest(a, 0) === rest(b, 1)
}
