/**
 * The run history as the commands and reporters see it, whatever holds it: an SQLite file (the
 * embedded default, src/history/store.ts) or a PostgreSQL database shared by a team
 * (src/history/postgres.ts). Every method is async: a database server answers over the network.
 */
import type { BenchResult, Provenance, RunResults } from '../contracts/results.js'

/** Where a run came from: a run of this tool, or an experiment imported from compressa-perf. */
export type HistorySource = 'mlnode-bench' | 'compressa-perf'

/** One run as `history list` shows it. */
export interface HistoryRunInfo {
  /** Position in the store (1, 2, …): the order runs were added. */
  seq: number
  runId: string
  source: HistorySource
  /** ISO date the run started (compressa-perf: its experiment_date). */
  date: string
  state?: string
  branch?: string
  commit?: string
  dirty?: boolean
  toolVersion?: string
  /** compressa-perf: experiment_name and description. */
  name?: string
  description?: string
  /** compressa-perf: the database file the run was imported from. */
  importedFrom?: string
  /** Facts kept beside the results (compressa-perf: its own Metrics and Parameters rows). */
  extra?: Record<string, unknown>
  results: number
  passed: number
  /** Some result of the run was measured on the simulator. */
  simulated: boolean
}

/** A run with its results. */
export interface HistoryRun extends HistoryRunInfo {
  provenance: Provenance
  entries: BenchResult[]
}

/** What `addRun` stores beside the results. */
export interface AddRunOptions {
  source?: HistorySource
  name?: string
  description?: string
  importedFrom?: string
  extra?: Record<string, unknown>
  /** Run id to use when the file has none (results of older versions). */
  runId?: string
}

/** What `addRun` did: `added` is false when the run was already there (then `results` is 0). */
export interface AddRunOutcome {
  added: boolean
  seq: number
  results: number
}

/** Which runs to read, newest first. */
export interface RunFilter {
  branch?: string
  source?: HistorySource
  /** Only runs that finished (state 'complete' or imported). */
  completeOnly?: boolean
  /** At most this many (the newest). */
  limit?: number
}

/** A history, open for the length of one `withHistory` call. */
export interface History {
  /** Where it lives, safe to print: the file, or the database URL without its credentials. */
  readonly shownAs: string
  /**
   * Adds the results a run measured itself, all or nothing. A run already stored (same run id)
   * is not added again, unless the stored copy is a snapshot taken while it was 'running'.
   */
  addRun(file: RunResults, options?: AddRunOptions): Promise<AddRunOutcome>
  /** Runs matching `filter`, newest first, without their results. */
  listRuns(filter?: RunFilter): Promise<HistoryRunInfo[]>
  /** Runs matching `filter` with their results, newest first. */
  runs(filter?: RunFilter): Promise<HistoryRun[]>
}
