/**
 * The zod schemas (source of schemas/*.schema.json) and the TypeScript model must not drift: these
 * type assertions fail `tsc --noEmit` when a field is added, removed or retyped on one side only.
 */
import { expect, it } from 'vitest'
import type * as z from 'zod'
import type { BaselineEntry, BaselineFile } from '../../src/report/baseline.js'
import type { BaselineGateStatus, BenchResult, RunResults } from '../../src/contracts/results.js'
import { baselineEntrySchema, baselineFileSchema } from '../../src/contracts/schema/baseline-schema.js'
import { benchResultSchema, runResultsSchema } from '../../src/contracts/schema/results-schema.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Assert<T extends true> = T

type Entry = z.output<typeof baselineEntrySchema>
// The schema is stricter on metrics (a latency must keep its distribution): it fits the interface,
// and every other field is the same.
export type EntryFits = Assert<Entry extends BaselineEntry ? true : false>
export type EntryFields = Assert<Equal<Omit<Entry, 'metrics'>, Omit<BaselineEntry, 'metrics'>>>
export type MetricIds = Assert<Equal<keyof Entry['metrics'], keyof BaselineEntry['metrics']>>
export type FileFields = Assert<Equal<Omit<z.output<typeof baselineFileSchema>, 'results'>, Omit<BaselineFile, 'results'>>>
export type Result = Assert<Equal<z.output<typeof benchResultSchema>, BenchResult>>
export type Run = Assert<Equal<Omit<z.output<typeof runResultsSchema>, 'results' | 'baseline'>, Omit<RunResults, 'results' | 'baseline'>>>
export type Gate = Assert<Equal<NonNullable<z.output<typeof runResultsSchema>['baseline']>, BaselineGateStatus>>

it('the model types and the schemas agree (checked by tsc; see the type assertions above)', () => {
  expect(Object.keys(baselineEntrySchema.shape).sort()).toEqual(['args', 'durationS', 'environment', 'file', 'history', 'metrics', 'repeats', 'requests', 'resolution', 'target'])
})
