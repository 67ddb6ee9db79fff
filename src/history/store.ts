/**
 * The run history: every run's results (provenance, target, args, layout, metrics with their HDR
 * histograms) in one SQLite file, `.mlnode-bench/history.sqlite` by default, or in a PostgreSQL
 * database a team shares (src/history/postgres.ts); `withHistory` opens the one named by
 * src/history/location.ts. A run is stored once (its run id is unique); only the results the run
 * itself measured are kept, not the entries a partial run carried over from earlier ones.
 *
 * SQLite tables: `meta` (schema version), `runs` (one row per run or imported compressa-perf experiment),
 * `results` (one row per model › variant › workload of a run; the whole BenchResult as JSON, the
 * key and target as columns for queries).
 */
import { MlnodeBenchError } from '../errors.js'
import type { BenchResult, Provenance, RunResults } from '../contracts/results.js'
import { withLock } from '../outputs/file-lock.js'
import type { AddRunOptions, AddRunOutcome, History, HistoryRun, HistoryRunInfo, RunFilter } from './history.js'
import { historyLocation, type HistoryLocation } from './location.js'
import { prepareRun, replacesStored, resultValues, RUN_COLUMNS, runInfo } from './run-rows.js'
import { openDatabase, queryRows, saveDatabase, type Database, type SqlValue } from './sqlite.js'

export type { AddRunOptions, AddRunOutcome, History, HistoryRun, HistoryRunInfo, HistorySource, RunFilter } from './history.js'
export { DEFAULT_HISTORY_FILE, HISTORY_URL_VARIABLE, historyLocation, type HistoryLocation } from './location.js'

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
  addRun(unscrubbed: RunResults, options: AddRunOptions = {}): AddRunOutcome {
    const run = prepareRun(unscrubbed, options, (dirty) => (dirty ? 1 : 0))
    const existing = queryRows(this.db, 'SELECT seq, state FROM runs WHERE run_id = ?', [run.runId])[0]
    const replaces = existing !== undefined && replacesStored(existing.state, run)
    if (existing && !replaces) return { added: false, seq: Number(existing.seq), results: 0 }
    this.db.run('BEGIN')
    try {
      if (replaces) {
        this.db.run('DELETE FROM results WHERE run_seq = ?', [Number(existing.seq)])
        this.db.run('DELETE FROM runs WHERE seq = ?', [Number(existing.seq)])
      }
      this.db.run(`INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map(() => '?').join(', ')})`, run.values as SqlValue[])
      const seq = Number(queryRows(this.db, 'SELECT last_insert_rowid() AS seq')[0]!.seq)
      for (const r of run.own)
        this.db.run('INSERT INTO results (run_seq, model, variant, workload, status, target_kind, hardware, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [seq, ...resultValues(r)])
      this.db.run('COMMIT')
      return { added: true, seq, results: run.own.length }
    } catch (error) {
      this.db.run('ROLLBACK')
      throw new MlnodeBenchError('MLNB_HISTORY', `History ${this.path}: run ${run.runId} not added: ${(error as Error).message}`, { cause: error, details: { file: this.path } })
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

/** The SQLite store behind the `History` interface. */
class SqliteHistory implements History {
  constructor(private readonly store: HistoryStore) {}
  get shownAs(): string {
    return this.store.path
  }
  async addRun(file: RunResults, options?: AddRunOptions): Promise<AddRunOutcome> {
    return this.store.addRun(file, options)
  }
  async listRuns(filter?: RunFilter): Promise<HistoryRunInfo[]> {
    return this.store.listRuns(filter)
  }
  async runs(filter?: RunFilter): Promise<HistoryRun[]> {
    return this.store.runs(filter)
  }
}

/**
 * Opens the history at `where` (a location, or a file path or postgres:// URL), runs `work`,
 * and closes it in every case. SQLite: saves when `work` wrote, and a write holds the store's
 * lock file (`<store>.lock`) from the read to the save: sql.js works on a copy in memory, so two
 * writers that both read before either saved would drop one's run. PostgreSQL: each run is added
 * in its own transaction, so writers need no lock; `write` lets the open create or migrate the
 * schema (src/history/postgres-schema.ts).
 */
export async function withHistory<T>(where: HistoryLocation | string, work: (store: History) => T | Promise<T>, options: { write?: boolean; lockWaitMs?: number } = {}): Promise<T> {
  const location = typeof where === 'string' ? historyLocation(where) : where
  if (location.kind === 'postgres') {
    // node-postgres is loaded only by those who use it: the SQLite default pays nothing for it.
    const { PostgresHistory } = await import('./postgres.js')
    const history = await PostgresHistory.open(location, { write: options.write === true, ...(options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs }) })
    try {
      return await work(history)
    } finally {
      await history.close()
    }
  }
  const path = location.path
  if (!options.write) return openAndWork(path, work, false)
  return withLock(`${path}.lock`, { what: 'a history write', ...(options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs }) }, () => openAndWork(path, work, true))
}

async function openAndWork<T>(path: string, work: (store: History) => T | Promise<T>, write: boolean): Promise<T> {
  const store = await HistoryStore.open(path, { create: write })
  try {
    const out = await work(new SqliteHistory(store))
    if (write) await store.save()
    return out
  } finally {
    store.close()
  }
}
