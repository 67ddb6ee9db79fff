/**
 * What both stores write and read the same way: the row of a run and of its results (scrubbed of
 * secrets before they go in), which stored copy a new file replaces, and a stored row back as a
 * `HistoryRunInfo`. One logical schema, whichever database holds it (docs/history.md).
 */
import type { BenchResult, RunResults } from '../contracts/results.js'
import { scrubDeep } from '../outputs/secrets.js'
import type { AddRunOptions, HistoryRunInfo, HistorySource } from './history.js'

/** A run ready to insert: the `runs` columns in order, and the results it measured itself. */
export interface PreparedRun {
  runId: string
  /** The `runs` columns after `seq`, in RUN_COLUMNS order. */
  values: Array<string | number | boolean | null>
  own: BenchResult[]
  /** The run's state in the file (undefined for results files without a run). */
  state: string | undefined
  hasRun: boolean
}

/** The `runs` columns an insert fills (seq is the store's own counter). */
export const RUN_COLUMNS = ['run_id', 'source', 'date', 'state', 'branch', 'git_commit', 'dirty', 'tool_version', 'name', 'description', 'imported_from', 'added_at', 'provenance_json', 'extra_json'] as const

/** The `results` columns an insert fills after `run_seq`. */
export const RESULT_COLUMNS = ['model', 'variant', 'workload', 'status', 'target_kind', 'hardware', 'result_json'] as const

export function prepareRun(unscrubbed: RunResults, options: AddRunOptions, dirty: (d: boolean) => number | boolean): PreparedRun {
  // A store is written as bytes (SQLite) or sent to a server (PostgreSQL): its text is scrubbed here, before it goes in.
  const file = scrubDeep(unscrubbed)
  const runId = file.run?.id ?? options.runId ?? `results-${file.provenance.date}`
  // A partial run's file also carries entries of earlier runs: those belong to their own runs.
  const own = file.results.filter((r) => !file.run || !r.run || r.run.id === file.run.id)
  const git = file.run?.git ?? file.provenance.git
  const values = [
    runId,
    options.source ?? 'mlnode-bench',
    file.run?.date ?? file.provenance.date,
    file.run?.state ?? null,
    git?.branch ?? null,
    git?.commit ?? null,
    git ? dirty(git.dirty) : null,
    file.provenance.tool.version,
    options.name ?? null,
    options.description ?? null,
    options.importedFrom ?? null,
    new Date().toISOString(),
    JSON.stringify(file.provenance),
    options.extra ? JSON.stringify(options.extra) : null,
  ]
  return { runId, values, own, state: file.run?.state, hasRun: file.run !== undefined }
}

/** The `results` values of one result, in RESULT_COLUMNS order. */
export function resultValues(r: BenchResult): string[] {
  return [r.model, r.variant, r.workload, r.status, r.target.kind, r.target.hardware, JSON.stringify(r)]
}

/** A snapshot taken while the run was going on ('running') gives way to the run's own final file. */
export function replacesStored(storedState: unknown, run: PreparedRun): boolean {
  return storedState === 'running' && run.hasRun && run.state !== 'running'
}

/** A `runs` row with its counts (`n`, `passed`, `simulated`) as the list shows it. */
export function runInfo(row: Record<string, unknown>): HistoryRunInfo {
  const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v))
  const info: HistoryRunInfo = {
    seq: Number(row.seq),
    runId: String(row.run_id),
    source: String(row.source) as HistorySource,
    date: String(row.date),
    results: Number(row.n ?? 0),
    passed: Number(row.passed ?? 0),
    simulated: Number(row.simulated ?? 0) > 0,
  }
  const optional = {
    state: text(row.state),
    branch: text(row.branch),
    commit: text(row.git_commit),
    toolVersion: text(row.tool_version),
    name: text(row.name),
    description: text(row.description),
    importedFrom: text(row.imported_from),
  }
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (info as unknown as Record<string, unknown>)[k] = v
  // SQLite stores 0/1, PostgreSQL a boolean.
  if (row.dirty !== null && row.dirty !== undefined) info.dirty = Number(row.dirty) === 1
  if (row.extra_json !== null && row.extra_json !== undefined) info.extra = JSON.parse(String(row.extra_json)) as Record<string, unknown>
  return info
}
