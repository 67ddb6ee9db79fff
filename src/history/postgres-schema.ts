/**
 * The PostgreSQL history's schema and its migrations. Everything lives in the schema
 * `mlnode_bench` (so the tables sit beside a team's own in a shared database); the tables are the
 * SQLite store's (src/history/store.ts, docs/history.md), with PostgreSQL types.
 * `mlnode_bench.schema_migrations` records each applied version. A migration is appended here,
 * never edited once released: a database that went through version N must equal a fresh one.
 */
import type { PoolClient } from 'pg'
import { MlnodeBenchError } from '../errors.js'

export const PG_SCHEMA = 'mlnode_bench'

export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs and results',
    sql: `
CREATE TABLE ${PG_SCHEMA}.runs (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  date TEXT NOT NULL,
  state TEXT,
  branch TEXT,
  git_commit TEXT,
  dirty BOOLEAN,
  tool_version TEXT,
  name TEXT,
  description TEXT,
  imported_from TEXT,
  added_at TEXT NOT NULL,
  provenance_json TEXT NOT NULL,
  extra_json TEXT
);
CREATE TABLE ${PG_SCHEMA}.results (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_seq BIGINT NOT NULL REFERENCES ${PG_SCHEMA}.runs(seq) ON DELETE CASCADE,
  model TEXT NOT NULL,
  variant TEXT NOT NULL,
  workload TEXT NOT NULL,
  status TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  hardware TEXT NOT NULL,
  result_json TEXT NOT NULL
);
CREATE INDEX results_by_key ON ${PG_SCHEMA}.results (model, variant, workload);
CREATE INDEX results_by_run ON ${PG_SCHEMA}.results (run_seq);
CREATE INDEX runs_by_branch_date ON ${PG_SCHEMA}.runs (branch, date);
`,
  },
]

export const LATEST_VERSION = MIGRATIONS.at(-1)!.version

/** One lock for every migrator of a database: two runners starting on a new database at once create the tables once. */
const MIGRATION_LOCK = `hashtext('${PG_SCHEMA}.migrations')`

/** The newest version applied, or undefined when the database has no history yet. */
async function appliedVersion(client: PoolClient): Promise<number | undefined> {
  const table = await client.query<{ t: string | null }>(`SELECT to_regclass('${PG_SCHEMA}.schema_migrations')::text AS t`)
  if (table.rows[0]?.t == null) return undefined
  const max = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${PG_SCHEMA}.schema_migrations`)
  return max.rows[0]?.v ?? undefined
}

/**
 * Brings the database to LATEST_VERSION: nothing to do when it is there; else, under an advisory
 * lock and in one transaction, creates the schema and applies the missing migrations.
 * @throws MlnodeBenchError MLNB_HISTORY when the database holds no history and `create` is not set,
 *   or was migrated by a newer mlnode-bench.
 */
export async function migrate(client: PoolClient, shownAs: string, options: { create: boolean }): Promise<{ from: number | undefined; to: number }> {
  const before = await appliedVersion(client)
  const newer = (v: number): MlnodeBenchError =>
    new MlnodeBenchError('MLNB_HISTORY', `History ${shownAs} has schema version ${v}, written by a newer mlnode-bench (this one knows up to ${LATEST_VERSION}): upgrade mlnode-bench`, { details: { history: shownAs, version: v } })
  if (before === LATEST_VERSION) return { from: before, to: before }
  if (before !== undefined && before > LATEST_VERSION) throw newer(before)
  if (before === undefined && !options.create)
    throw new MlnodeBenchError('MLNB_HISTORY', `History ${shownAs} holds no mlnode-bench history yet (no ${PG_SCHEMA}.schema_migrations table): add a run first`, { details: { history: shownAs } })
  await client.query('BEGIN')
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`)
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${PG_SCHEMA}`)
    await client.query(`CREATE TABLE IF NOT EXISTS ${PG_SCHEMA}.schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`)
    // Another migrator may have finished while this one waited for the lock.
    const current = (await appliedVersion(client)) ?? 0
    if (current > LATEST_VERSION) throw newer(current)
    for (const m of MIGRATIONS.filter((x) => x.version > current)) {
      await client.query(m.sql)
      await client.query(`INSERT INTO ${PG_SCHEMA}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name])
    }
    await client.query('COMMIT')
    return { from: before, to: LATEST_VERSION }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    if (error instanceof MlnodeBenchError) throw error
    throw new MlnodeBenchError('MLNB_HISTORY', `History ${shownAs}: schema migration to version ${LATEST_VERSION} failed: ${(error as Error).message}`, { cause: error, details: { history: shownAs } })
  }
}
