/** Checks parsed results.json data against schemas/results.schema.json, naming each bad entry. */
import { describeIssue } from './issues.js'
import { runResultsSchema } from './results-schema.js'

/** At most this many problems are listed; the count of the rest is given. */
const MAX_LISTED = 10

/** A check of one results entry beyond the schema (the histogram decoder, from src/metrics). */
export type EntryCheck = (entry: unknown) => string[]

/**
 * Problems of `data` as a RunResults, one sentence each, entries named by index and key:
 * `results[3] ("m › tp4 › chat"): target.hardware must be string, got 42`. Empty when valid.
 * `entryChecks` run on every entry (contracts sit below the codecs, so the caller brings them).
 */
export function runResultsProblems(data: unknown, entryChecks: readonly EntryCheck[] = []): string[] {
  const checked = runResultsSchema.safeParse(data, { reportInput: true })
  const results = (data as { results?: unknown })?.results
  const entryName = (i: number) => {
    const r = Array.isArray(results) ? (results[i] as Record<string, unknown> | undefined) : undefined
    const key = [r?.model, r?.variant, r?.workload].map((x) => (typeof x === 'string' ? x : '?')).join(' › ')
    return `results[${i}] (${JSON.stringify(key)})`
  }
  const problems = checked.success ? [] : checked.error.issues.map((issue) => {
    const [top, index, ...rest] = issue.path
    if (top === 'results' && typeof index === 'number') return `${entryName(index)}: ${describeIssue({ ...issue, path: rest })}`
    return describeIssue(issue)
  })
  if (Array.isArray(results))
    results.forEach((r, i) => entryChecks.forEach((check) => problems.push(...check(r).map((p) => `${entryName(i)}: ${p}`))))
  return problems
}

/** Lists problems for a message: the first few, then how many more. */
export function listProblems(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_LISTED).map((p) => `\n  - ${p}`).join('')
  return problems.length > MAX_LISTED ? `${shown}\n  … and ${problems.length - MAX_LISTED} more` : shown
}
