/**
 * The candidate closest to a misspelled word (`prot` -> `port`), or `undefined` when none is close
 * enough to be a likely typo: at most a third of the word's letters differ, swaps counting as one.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [candidate, d]
  }
  return best
}

/** `; did you mean \`port\`?` or nothing. */
export function didYouMean(
  word: string,
  candidates: Iterable<string>,
  show: (s: string) => string = (s) => `\`${s}\``,
): string {
  const match = closest(word, candidates)
  return match === undefined ? '' : `; did you mean ${show(match)}?`
}

/**
 * Edit distance with transpositions (optimal string alignment): letters added, removed or changed,
 * and two neighbours swapped, one each. Names are short, so O(n*m) is fine.
 */
export function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i])
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = d
    }
  }
  return rows[a.length]![b.length]!
}
