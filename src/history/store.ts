/**
 * The run history: every run's results (provenance, target, args, layout, metrics with their HDR
 * histograms) in one SQLite file, `.mlnode-bench/history.sqlite` by default. A run is stored once
 * (its run id is unique); only the results the run itself measured are kept, not the entries a
 * partial run carried over from earlier ones.
 *
 * Tables: `meta` (schema version), `runs` (one row per run or imported compressa-perf experiment),
 * `results` (one row per model › variant › workload of a run; the whole BenchResult as JSON, the
 * key and target as columns for queries).
 */
import { MlnodeBenchError } from '../errors.js'
import type { BenchResult, Provenance, RunResults } from '../contracts/results.js'
import { scrubDeep } from '../outputs/secrets.js'
import { withLock } from '../outputs/file-lock.js'
import { openDatabase, queryRows, saveDatabase, type Database, type SqlValue } from './sqlite.js'

/** Default store, relative to the project root. */
export const DEFAULT_HISTORY_FILE = '.mlnode-bench/history.sqlite'

const SCHEMA_VERSION = '1'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  date TEXT NOT NULL,
  state TEXT,
  branch TEXT,
  git_commit TEXT,
  dirty INTEGER,
  tool_version TEXT,
  name TEXT,
  description TEXT,
  imported_from TEXT,
  added_at TEXT NOT NULL,
  provenance_json TEXT NOT NULL,
  extra_json TEXT
);
CREATE TABLE IF NOT EXISTS results (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_seq INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
  model TEXT NOT NULL,
  variant TEXT NOT NULL,
  workload TEXT NOT NULL,
  status TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  hardware TEXT NOT NULL,
  result_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_by_key ON results (model, variant, workload);
`

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

/** Which runs to read, newest first. */
export interface RunFilter {
  branch?: string
  source?: HistorySource
  /** Only runs that finished (state 'complete' or imported). */
  completeOnly?: boolean
  /** At most this many (the newest). */
  limit?: number
}

export class HistoryStore {
  private constructor(
    private readonly db: Database,
    /** The store's file. */
    readonly path: string,
  ) {}

  /**
   * Opens (or, with `create`, starts) the store at `path`.
   * @throws MlnodeBenchError MLNB_HISTORY naming the file when it is no history store.
   */
  static async open(path: string, options: { create?: boolean } = {}): Promise<HistoryStore> {
    const db = await openDatabase(path, 'History', options)
    try {
      const hasMeta = queryRows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").length > 0
      const version = hasMeta ? queryRows(db, "SELECT value FROM meta WHERE key = 'schemaVersion'")[0]?.value : undefined
      const empty = queryRows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").length === 0
      if (!empty && version !== SCHEMA_VERSION)
        throw new MlnodeBenchError('MLNB_HISTORY', `History ${path} is not an mlnode-bench history store (schemaVersion ${version === undefined ? 'missing' : `"${String(version)}"`}, expected "${SCHEMA_VERSION}")`, { details: { file: path } })
      db.run(SCHEMA)
      db.run("INSERT OR IGNORE INTO meta (key, value) VALUES ('schemaVersion', ?)", [SCHEMA_VERSION])
    } catch (error) {
      db.close()
      if (error instanceof MlnodeBenchError) throw error
      throw new MlnodeBenchError('MLNB_HISTORY', `History ${path} cannot be used: ${(error as Error).message}`, { cause: error, details: { file: path } })
    }
    return new HistoryStore(db, path)
  }

  /**
   * Adds the results a run measured itself. Returns false (and stores nothing) when a run with
   * that id is already in the store: adding the same results.json twice keeps one copy.
   */
  addRun(unscrubbed: RunResults, options: AddRunOptions = {}): { added: boolean; seq: number; results: number } {
    // The database is written as bytes: its text is scrubbed here, before it goes in.
    const file = scrubDeep(unscrubbed)
    const runId = file.run?.id ?? options.runId ?? `results-${file.provenance.date}`
    const existing = queryRows(this.db, 'SELECT seq, state FROM runs WHERE run_id = ?', [runId])[0]
    // A snapshot taken while the run was going on ('running') gives way to the run's own final file.
    const replaces = existing !== undefined && existing.state === 'running' && file.run !== undefined && file.run.state !== 'running'
    if (existing && !replaces) return { added: false, seq: Number(existing.seq), results: 0 }
    // A partial run's file also carries entries of earlier runs: those belong to their own runs.
    const own = file.results.filter((r) => !file.run || !r.run || r.run.id === file.run.id)
    const git = file.run?.git ?? file.provenance.git
    this.db.run('BEGIN')
    try {
      if (replaces) {
        this.db.run('DELETE FROM results WHERE run_seq = ?', [Number(existing.seq)])
        this.db.run('DELETE FROM runs WHERE seq = ?', [Number(existing.seq)])
      }
      this.db.run(
        `INSERT INTO runs (run_id, source, date, state, branch, git_commit, dirty, tool_version, name, description, imported_from, added_at, provenance_json, extra_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          runId,
          options.source ?? 'mlnode-bench',
          file.run?.date ?? file.provenance.date,
          file.run?.state ?? null,
          git?.branch ?? null,
          git?.commit ?? null,
          git ? (git.dirty ? 1 : 0) : null,
          file.provenance.tool.version,
          options.name ?? null,
          options.description ?? null,
          options.importedFrom ?? null,
          new Date().toISOString(),
          JSON.stringify(file.provenance),
          options.extra ? JSON.stringify(options.extra) : null,
        ],
      )
      const seq = Number(queryRows(this.db, 'SELECT last_insert_rowid() AS seq')[0]!.seq)
      for (const r of own)
        this.db.run('INSERT INTO results (run_seq, model, variant, workload, status, target_kind, hardware, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          seq,
          r.model,
          r.variant,
          r.workload,
          r.status,
          r.target.kind,
          r.target.hardware,
          JSON.stringify(r),
        ])
      this.db.run('COMMIT')
      return { added: true, seq, results: own.length }
    } catch (error) {
      this.db.run('ROLLBACK')
      throw new MlnodeBenchError('MLNB_HISTORY', `History ${this.path}: run ${runId} not added: ${(error as Error).message}`, { cause: error, details: { file: this.path } })
    }
  }

  /** Runs matching `filter`, newest first, without their results. */
  listRuns(filter: RunFilter = {}): HistoryRunInfo[] {
    const where: string[] = []
    const params: SqlValue[] = []
    if (filter.branch !== undefined) {
      where.push('r.branch = ?')
      params.push(filter.branch)
    }
    if (filter.source !== undefined) {
      where.push('r.source = ?')
      params.push(filter.source)
    }
    if (filter.completeOnly) where.push("(r.state IS NULL OR r.state = 'complete')")
    const sql = `SELECT r.*, COUNT(x.id) AS n, SUM(x.status = 'passed') AS passed, SUM(x.target_kind = 'simulated') AS simulated
      FROM runs r LEFT JOIN results x ON x.run_seq = r.seq ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      GROUP BY r.seq ORDER BY r.date DESC, r.seq DESC ${filter.limit === undefined ? '' : `LIMIT ${Math.max(0, Math.floor(filter.limit))}`}`
    return queryRows(this.db, sql, params).map(runInfo)
  }

  /** Runs matching `filter` with their results, newest first. */
  runs(filter: RunFilter = {}): HistoryRun[] {
    return this.listRuns(filter).map((info) => {
      const row = queryRows(this.db, 'SELECT provenance_json FROM runs WHERE seq = ?', [info.seq])[0]!
      const entries = queryRows(this.db, 'SELECT result_json FROM results WHERE run_seq = ? ORDER BY id', [info.seq]).map((r) => JSON.parse(String(r.result_json)) as BenchResult)
      return { ...info, provenance: JSON.parse(String(row.provenance_json)) as Provenance, entries }
    })
  }

  /** Writes the store to its file atomically. */
  save(): Promise<void> {
    return saveDatabase(this.db, this.path)
  }

  close(): void {
    this.db.close()
  }
}

function runInfo(row: Record<string, SqlValue>): HistoryRunInfo {
  const text = (v: SqlValue | undefined): string | undefined => (v === null || v === undefined ? undefined : String(v))
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
  if (row.dirty !== null && row.dirty !== undefined) info.dirty = Number(row.dirty) === 1
  if (row.extra_json !== null && row.extra_json !== undefined) info.extra = JSON.parse(String(row.extra_json)) as Record<string, unknown>
  return info
}

/**
 * Opens the store, runs `work`, saves when `work` changed it, closes in every case. A write holds
 * the store's lock file (`<store>.lock`) from the read to the save: sql.js works on a copy in
 * memory, so two writers that both read before either saved would drop one's run.
 */
export async function withHistory<T>(path: string, work: (store: HistoryStore) => T | Promise<T>, options: { write?: boolean; lockWaitMs?: number } = {}): Promise<T> {
  if (!options.write) return openAndWork(path, work, false)
  return withLock(`${path}.lock`, { what: 'a history write', ...(options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs }) }, () => openAndWork(path, work, true))
}

async function openAndWork<T>(path: string, work: (store: HistoryStore) => T | Promise<T>, write: boolean): Promise<T> {
  const store = await HistoryStore.open(path, { create: write })
  try {
    const out = await work(store)
    if (write) await store.save()
    return out
  } finally {
    store.close()
  }
}
