/**
 * Copies every run of one history into another: how a team moves its SQLite history into the
 * shared PostgreSQL one (`mlnode-bench history copy .mlnode-bench/history.sqlite`). Runs go in
 * the order they were added, each as its own addRun, so a run already in the target is kept
 * once and a copy that stops half-way can simply be run again.
 */
import type { RunResults } from '../contracts/results.js'
import type { AddRunOptions, History, HistoryRun } from './history.js'

export interface CopyReport {
  copied: number
  /** Runs the target already held (same run id). */
  already: number
}

/**
 * The results file and options that store `run` again as it is stored: the same run id, date,
 * state, git columns, provenance, results and extra facts (src/history/run-rows.ts reads them
 * from `run` when there is one, else from the provenance).
 */
export function storedRunAsFile(run: HistoryRun): { file: RunResults; options: AddRunOptions } {
  const git = run.commit === undefined ? undefined : { commit: run.commit, dirty: run.dirty === true, ...(run.branch === undefined ? {} : { branch: run.branch }) }
  const state = run.state as NonNullable<RunResults['run']>['state'] | undefined
  const file: RunResults = {
    schemaVersion: 1,
    provenance: run.provenance,
    ...(state === undefined ? {} : { run: { id: run.runId, date: run.date, state, ...(git ? { git } : {}) } }),
    results: run.entries,
  }
  const options: AddRunOptions = { source: run.source, runId: run.runId }
  if (run.name !== undefined) options.name = run.name
  if (run.description !== undefined) options.description = run.description
  if (run.importedFrom !== undefined) options.importedFrom = run.importedFrom
  if (run.extra !== undefined) options.extra = run.extra
  return { file, options }
}

/** Adds every run of `runs` (as `from.runs()` lists them) to `to`, oldest addition first. */
export async function copyRuns(runs: readonly HistoryRun[], to: History): Promise<CopyReport> {
  const report: CopyReport = { copied: 0, already: 0 }
  for (const run of [...runs].sort((a, b) => a.seq - b.seq)) {
    const { file, options } = storedRunAsFile(run)
    const { added } = await to.addRun(file, options)
    if (added) report.copied++
    else report.already++
  }
  return report
}
