import type { BenchOptions } from './_options.ts'
import type { Row } from './_report.ts'
export async function startupCases(_o: BenchOptions): Promise<Row[]> { return [] }
export async function reloadCases(_o: BenchOptions, _t: string): Promise<Row[]> { return [] }
