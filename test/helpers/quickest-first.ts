import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The order of the mutation runs' test files (`sequence.sequencer` in vitest.mutate*.config.ts):
 * a file that failed in the run before first (it found the last mutant, and likely the next, of
 * the same source file), then the quickest first. Vitest's own order runs the slowest first,
 * which suits parallel workers; a mutant's run has one worker and stops at its first failing
 * test, so a mutant the quick unit tests find should not wait for the slow ones to run first.
 */
export class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): [number, number] => {
      const key = `${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`
      const last = this.ctx.cache.getFileTestResults(key)
      // A file not run yet goes last: its time is unknown (only the first run has none at all).
      return last ? [last.failed ? 0 : 1, last.duration] : [1, Number.POSITIVE_INFINITY]
    }
    return files
      .map((file) => ({ file, rank: rank(file) }))
      .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1])
      .map(({ file }) => file)
  }
}
