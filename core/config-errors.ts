import type * as v from 'valibot'
import { ChatError } from './errors.ts'
import { didYouMean } from './suggest.ts'
import type { UnknownKey } from './unknown-keys.ts'

// How a config that does not validate is said: one line per problem, each naming the file, the
// option's path, what was expected and what was found (core/config.ts validates).

/** `plugins[0]: unknown option \`anwsers\`; did you mean \`answers\`?` (without the file). */
export function describeUnknown({ path, key, known }: UnknownKey, what: 'key' | 'option'): string {
  const at = path.length ? `${formatPath(path)}: ` : ''
  return `${at}unknown ${what} \`${key}\`${didYouMean(key, known)}`
}

type Issue = v.BaseIssue<unknown>

/** The config's error: a line per problem (at most five, then how many more), each with the file. */
export function configError(
  file: string | undefined,
  issues: [Issue, ...Issue[]],
  prefix: Array<string | number> = [],
  label?: string,
): ChatError {
  const lines = issues.slice(0, 5).map((issue) => formatIssue(issue, prefix, label))
  if (issues.length > 5) lines.push(`... and ${issues.length - 5} more`)
  const where = file ?? 'config'
  return new ChatError('E_CONFIG', lines.map((line) => `${where}: ${line}`).join('\n'))
}

/**
 * `plugins[2].rules[0]: expected a string or RegExp, got `42` (number)`; an option left out is
 * `plugins[0] (keyword-bot): missing required option `words`` when `label` names the plugin.
 */
export function formatIssue(issue: Issue, prefix: Array<string | number> = [], label?: string): string {
  const own = (issue.path ?? []).map((item) => item.key as string | number)
  // A union reports each branch, with paths from the union down (`enforce`, not `plugins[0].enforce`):
  // the deepest branch issue says most about what went wrong.
  const inner = issue.issues?.length ? deepest(issue.issues) : undefined
  if (inner?.path?.length) return formatIssue(inner, [...prefix, ...own], label)
  const last = own.at(-1)
  if (issue.input === undefined && typeof last === 'string' && issue.kind === 'schema') {
    const where = label ?? (formatPath([...prefix, ...own.slice(0, -1)]) || '(top level)')
    return `${where}: missing required ${label ? 'option' : 'key'} \`${formatPath(own)}\``
  }
  const path = formatPath([...prefix, ...own]) || '(top level)'
  const expected = issue.message.startsWith('Invalid ') ? (issue.expected ?? issue.message) : issue.message
  // A check on an object forwarded to one of its keys (`v.forward`) has the object as its input:
  // the value shown is the key's, which the path's last item holds.
  const item = issue.path?.at(-1)
  const found = item && item.input === issue.input && 'value' in item ? item.value : issue.input
  // A secret that was wrong is still a secret: not printed to a terminal or a CI log.
  const shown = SECRET.test(expected) && typeof found === 'string' ? `${found.length} characters` : describeValue(found)
  return `${path}: expected ${expected}, got ${shown}`
}

/** What a schema expects of a secret starts this way (plugins/signed.ts); its value is not shown. */
const SECRET = /^a secret\b/

function formatPath(keys: Array<string | number>): string {
  // An empty key (a contact named "") would vanish: `peers[""]`, not `peers.`.
  const part = (key: string | number, i: number) =>
    typeof key === 'number' ? `[${key}]` : key === '' ? '[""]' : i === 0 ? key : `.${key}`
  return keys.map(part).join('')
}

function deepest(issues: Issue[]): Issue {
  return issues.reduce((best, issue) => ((issue.path?.length ?? 0) > (best.path?.length ?? 0) ? issue : best))
}

/** What was found, as a config error says it: `` `42` (number) ``, `an object`, `an object (Map)`, `nothing`... */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return '`null`'
  if (typeof value === 'string') return `\`${JSON.stringify(value)}\` (string)`
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (value instanceof RegExp) return `\`${value}\` (RegExp)`
  if (typeof value === 'object') {
    const kind = (value as { constructor?: { name?: unknown } }).constructor?.name
    return typeof kind === 'string' && kind !== 'Object' && kind !== '' ? `an object (${kind})` : 'an object'
  }
  return `\`${String(value)}\` (${typeof value})`
}
