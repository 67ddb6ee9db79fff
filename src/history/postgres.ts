/**
 * The history in PostgreSQL, for a team whose runners share one history
 * (`MLNODE_BENCH_HISTORY_URL=postgres://…`), through node-postgres (`pg`). Each run is added in
 * one transaction, under a transaction-scoped advisory lock on its run id: writers of different
 * runs never wait for each other, two writers of the same run add it once, and a writer killed
 * half-way leaves nothing (the transaction rolls back). Readers see only whole runs.
 */
import pg from 'pg'
import type { BenchResult, Provenance, RunResults } from '../contracts/results.js'
import { MlnodeBenchError } from '../errors.js'
import { scrub } from '../outputs/secrets.js'
import type { AddRunOptions, AddRunOutcome, History, HistoryRun, HistoryRunInfo, RunFilter } from './history.js'
import type { HistoryLocation } from './location.js'
import { migrate, PG_SCHEMA } from './postgres-schema.js'
import { prepareRun, replacesStored, RESULT_COLUMNS, resultValues, RUN_COLUMNS, runInfo } from './run-rows.js'

/** How long to wait for a connection: a server that is down fails the command, not hangs it. */
const CONNECT_TIMEOUT_MS = 15_000
/** How long a writer waits for another writer of the same run (as for the SQLite store's lock file). */
const LOCK_WAIT_MS = 60_000
/** A writer stopped inside its transaction (a paused or hung process) loses it, and its locks, after this. */
const IDLE_IN_TRANSACTION_MS = 60_000
const RESULT_ROWS_PER_INSERT = 1000

export class PostgresHistory implements History {
  private constructor(
    private readonly pool: pg.Pool,
    readonly shownAs: string,
  ) {}

  /**
   * Connects and brings the schema up to date (creating it only for a `write`).
   * @throws MlnodeBenchError MLNB_HISTORY naming the history (without its password) when the
   *   server cannot be reached, refuses the login, or holds no or a newer history.
   */
  static async open(location: Extract<HistoryLocation, { kind: 'postgres' }>, options: { write: boolean; lockWaitMs?: number }): Promise<PostgresHistory> {
    const pool = new pg.Pool({
      connectionString: location.url,
      max: 2,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'mlnode-bench',
      // PostgreSQL's lock_timeout: waits for a lock, advisory ones included, end with an error instead of hanging.
      lock_timeout: Math.max(1, options.lockWaitMs ?? LOCK_WAIT_MS),
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    })
    // An idle connection the server drops would otherwise be an uncaught 'error' event.
    pool.on('error', () => undefined)
    const history = new PostgresHistory(pool, location.shownAs)
    try {
      await history.withClient((client) => migrate(client, location.shownAs, { create: options.write }))
    } catch (error) {
      await pool.end().catch(() => undefined)
      throw error
    }
    return history
  }

  close(): Promise<void> {
    return this.pool.end()
  }

  async addRun(file: RunResults, options: AddRunOptions = {}): Promise<AddRunOutcome> {
    const run = prepareRun(file, options, (dirty) => dirty)
    return this.withClient(async (client) => {
      await client.query('BEGIN')
      try {
        // Writers of the same run id queue here; the unique run_id is the backstop.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${PG_SCHEMA}.run:${run.runId}`])
        const existing = (await client.query<{ seq: string; state: string | null }>(`SELECT seq, state FROM ${PG_SCHEMA}.runs WHERE run_id = $1`, [run.runId])).rows[0]
        if (existing && !replacesStored(existing.state, run)) {
          await client.query('COMMIT')
          return { added: false, seq: Number(existing.seq), results: 0 }
        }
        // The results go with their run (ON DELETE CASCADE).
        if (existing) await client.query(`DELETE FROM ${PG_SCHEMA}.runs WHERE seq = $1`, [existing.seq])
        const placeholders = RUN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')
        const inserted = await client.query<{ seq: string }>(`INSERT INTO ${PG_SCHEMA}.runs (${RUN_COLUMNS.join(', ')}) VALUES (${placeholders}) RETURNING seq`, run.values)
        const seq = inserted.rows[0]!.seq
        // Many rows per statement, within PostgreSQL's 65 535 parameters of one statement.
        const width = RESULT_COLUMNS.length + 1
        for (let from = 0; from < run.own.length; from += RESULT_ROWS_PER_INSERT) {
          const chunk = run.own.slice(from, from + RESULT_ROWS_PER_INSERT)
          const rows = chunk.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ')
          await client.query(`INSERT INTO ${PG_SCHEMA}.results (run_seq, ${RESULT_COLUMNS.join(', ')}) VALUES ${rows}`, chunk.flatMap((r) => [seq, ...resultValues(r)]))
        }
        await client.query('COMMIT')
        return { added: true, seq: Number(seq), results: run.own.length }
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        // 55P03 lock_not_available: another writer of this run held it past the wait.
        const held = (error as { code?: unknown }).code === '55P03' ? ' (another writer was adding the same run and held it too long; nothing was stored, try again)' : ''
        throw this.failure(`run ${run.runId} not added${held}`, error)
      }
    })
  }

  listRuns(filter: RunFilter = {}): Promise<HistoryRunInfo[]> {
    return this.withClient((client) => this.listRunsOn(client, filter))
  }

  runs(filter: RunFilter = {}): Promise<HistoryRun[]> {
    return this.withClient(async (client) => {
      // One snapshot for the three reads: a run replaced meanwhile is seen whole, before or after.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
      try {
        const infos = await this.listRunsOn(client, filter)
        const seqs = infos.map((i) => String(i.seq))
        const provenance = new Map((await this.query(client, 'runs not read', `SELECT seq, provenance_json FROM ${PG_SCHEMA}.runs WHERE seq = ANY($1::bigint[])`, [seqs])).map((r) => [String(r.seq), JSON.parse(String(r.provenance_json)) as Provenance]))
        const entries = new Map<string, BenchResult[]>()
        for (const r of await this.query(client, 'results not read', `SELECT run_seq, result_json FROM ${PG_SCHEMA}.results WHERE run_seq = ANY($1::bigint[]) ORDER BY run_seq, id`, [seqs]))
          entries.set(String(r.run_seq), [...(entries.get(String(r.run_seq)) ?? []), JSON.parse(String(r.result_json)) as BenchResult])
        await client.query('COMMIT')
        return infos.map((i) => ({ ...i, provenance: provenance.get(String(i.seq))!, entries: entries.get(String(i.seq)) ?? [] }))
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw this.failure('runs not read', error)
      }
    })
  }

  private async listRunsOn(client: pg.PoolClient, filter: RunFilter): Promise<HistoryRunInfo[]> {
    const where: string[] = []
    const params: unknown[] = []
    if (filter.branch !== undefined) where.push(`r.branch = $${params.push(filter.branch)}`)
    if (filter.source !== undefined) where.push(`r.source = $${params.push(filter.source)}`)
    if (filter.completeOnly) where.push("(r.state IS NULL OR r.state = 'complete')")
    const limit = filter.limit === undefined ? '' : `LIMIT ${Math.max(0, Math.floor(filter.limit))}`
    const sql = `SELECT r.*, COUNT(x.id) AS n, COUNT(x.id) FILTER (WHERE x.status = 'passed') AS passed, COUNT(x.id) FILTER (WHERE x.target_kind = 'simulated') AS simulated
      FROM ${PG_SCHEMA}.runs r LEFT JOIN ${PG_SCHEMA}.results x ON x.run_seq = r.seq ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      GROUP BY r.seq ORDER BY r.date DESC, r.seq DESC ${limit}`
    return (await this.query(client, 'runs not read', sql, params)).map(runInfo)
  }

  private async query(client: pg.PoolClient, what: string, sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    try {
      return (await client.query(sql, params)).rows as Array<Record<string, unknown>>
    } catch (error) {
      throw this.failure(what, error)
    }
  }

  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      throw this.failure('cannot be reached', error)
    }
    try {
      return await work(client)
    } finally {
      client.release()
    }
  }

  private failure(what: string, error: unknown): MlnodeBenchError {
    if (error instanceof MlnodeBenchError) return error
    // A server's message may quote what it was sent: scrubbed like every other text that leaves.
    const message = scrub((error as Error).message || String(error))
    return new MlnodeBenchError('MLNB_HISTORY', `History ${this.shownAs}: ${what}: ${message}`, { cause: error, details: { history: this.shownAs } })
  }
}
