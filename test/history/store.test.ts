/**
 * The history's contract, run against both stores: the SQLite file (the embedded default) and a
 * real PostgreSQL server (test/helpers/postgres-server.ts). Then what only one of them has: the
 * SQLite file checks, PostgreSQL's migrations and its errors (which never show the password).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { describe, expect, it, type TestContext } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { HistoryStore, withHistory, type HistoryLocation, type RunFilter } from '../../src/history/store.js'
import { historyLocation } from '../../src/history/location.js'
import { scrub, secretsOf } from '../../src/outputs/secrets.js'
import { LATEST_VERSION } from '../../src/history/postgres-schema.js'
import type { RunResults } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { useTempDir } from '../temp-dir.js'
import { findPostgresBin, POSTGRES_TEST_PASSWORD, usePostgresServer } from '../helpers/postgres-server.js'
import { writeCompressaDb } from './compressa-db.js'

const dir = useTempDir('mlnb-history-')
const postgres = usePostgresServer()

const provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2026-01-01T00:00:00.000Z' }
function runFile(id: string, date: string, branch = 'main', extra: RunResults['results'] = [], state: 'complete' | 'running' = 'complete'): RunResults {
  const git = { commit: 'a'.repeat(40), dirty: false, branch }
  const stamp = { id, date, git }
  return {
    schemaVersion: 1,
    provenance: { ...provenance, date, git },
    run: { ...stamp, state },
    results: [{ ...passedResult('m', 'tp4', 'chat'), run: stamp }, ...extra],
  }
}

let fresh = 0
/** A new, empty history of each kind. */
const stores: Array<[string, (ctx: TestContext) => Promise<string>]> = [
  ['SQLite', async () => join(dir(), `h${++fresh}.sqlite`)],
  ['PostgreSQL', async (ctx) => postgres(ctx).createDatabase(`h${++fresh}`)],
]

describe.each(stores)('history store contract: %s', (_kind, newHistory) => {
  it('keeps every run once, newest first, with its whole results (histograms included)', async (ctx) => {
    const at = await newHistory(ctx)
    const first = runFile('run-1', '2026-01-01T00:00:00.000Z')
    expect(await withHistory(at, (s) => s.addRun(first), { write: true })).toEqual({ added: true, seq: 1, results: 1 })
    const again = await withHistory(at, async (s) => [await s.addRun(first), await s.addRun(runFile('run-2', '2026-01-02T00:00:00.000Z', 'feature'))], { write: true })
    expect(again[0]).toEqual({ added: false, seq: 1, results: 0 })
    expect(again[1]!.added).toBe(true)
    const runs = await withHistory(at, (s) => s.runs())
    expect(runs.map((r) => [r.seq, r.runId, r.branch, r.dirty, r.results, r.passed, r.simulated])).toEqual([
      [2, 'run-2', 'feature', false, 1, 1, true],
      [1, 'run-1', 'main', false, 1, 1, true],
    ])
    expect(runs[1]!.entries[0]).toEqual(first.results[0])
    expect(runs[1]!.entries[0]!.metrics!.e2elMs.histogram).toBe(first.results[0]!.metrics!.e2elMs.histogram)
    expect(runs[1]!.provenance).toEqual(first.provenance)
    expect((await withHistory(at, (s) => s.listRuns({ branch: 'main' }))).map((r) => r.runId)).toEqual(['run-1'])
  })

  it('stores only what a partial run measured itself, not the entries it kept from earlier runs', async (ctx) => {
    const at = await newHistory(ctx)
    const older = { ...passedResult('m', 'tp8', 'chat'), run: { id: 'run-0', date: '2025-12-31T00:00:00.000Z' } }
    expect((await withHistory(at, (s) => s.addRun(runFile('run-1', '2026-01-01T00:00:00.000Z', 'main', [older])), { write: true })).results).toBe(1)
    expect((await withHistory(at, (s) => s.runs()))[0]!.entries.map((e) => e.variant)).toEqual(['tp4'])
  })

  it("a snapshot stored while the run was 'running' gives way to the run's final results", async (ctx) => {
    const at = await newHistory(ctx)
    const date = '2026-01-01T00:00:00.000Z'
    await withHistory(at, (s) => s.addRun({ ...runFile('run-1', date, 'main', [], 'running'), results: [] }), { write: true })
    expect(await withHistory(at, (s) => s.addRun(runFile('run-1', date)), { write: true })).toMatchObject({ added: true, results: 1 })
    expect((await withHistory(at, (s) => s.listRuns())).map((r) => [r.runId, r.state, r.results])).toEqual([['run-1', 'complete', 1]])
  })

  it('filters by branch, source and finished state, newest first, up to a limit; keeps the extra facts', async (ctx) => {
    const at = await newHistory(ctx)
    await withHistory(
      at,
      async (s) => {
        for (let day = 1; day <= 4; day++) await s.addRun(runFile(`main-${day}`, `2026-01-0${day}T00:00:00.000Z`))
        await s.addRun({ ...runFile('main-5', '2026-01-05T00:00:00.000Z'), run: { id: 'main-5', date: '2026-01-05T00:00:00.000Z', git: { commit: 'b'.repeat(40), dirty: true, branch: 'main' }, state: 'interrupted' } })
        await s.addRun(runFile('imported', '2025-01-01T00:00:00.000Z', 'main'), { source: 'compressa-perf', name: 'by hand', extra: { compressaPerf: { experimentId: 3 } } })
      },
      { write: true },
    )
    const ids = (filter: RunFilter) => withHistory(at, async (s) => (await s.listRuns(filter)).map((r) => r.runId))
    expect(await ids({ branch: 'main', source: 'mlnode-bench', completeOnly: true, limit: 3 })).toEqual(['main-4', 'main-3', 'main-2'])
    expect(await ids({ completeOnly: false, limit: 1 })).toEqual(['main-5'])
    expect(await ids({ branch: 'release' })).toEqual([])
    const [imported] = await withHistory(at, (s) => s.listRuns({ source: 'compressa-perf' }))
    expect(imported).toMatchObject({ runId: 'imported', name: 'by hand', extra: { compressaPerf: { experimentId: 3 } } })
  })

  it('two writers adding the same run at once store it once', async (ctx) => {
    const at = await newHistory(ctx)
    await withHistory(at, (s) => s.addRun(runFile('seed', '2026-01-01T00:00:00.000Z')), { write: true })
    const both = await Promise.all([0, 1].map(() => withHistory(at, (s) => s.addRun(runFile('same', '2026-01-02T00:00:00.000Z')), { write: true })))
    expect(both.map((b) => b.added).sort()).toEqual([false, true])
    expect((await withHistory(at, (s) => s.listRuns())).map((r) => r.runId)).toEqual(['same', 'seed'])
  })

  it('a history that holds nothing yet cannot be read: a named error', async (ctx) => {
    const at = await newHistory(ctx)
    const error = await withHistory(at, (s) => s.listRuns()).catch((e: unknown) => e)
    expect(hasCode(error, 'MLNB_HISTORY')).toBe(true)
    expect((error as Error).message).toMatch(/no such file|holds no mlnode-bench history yet/)
  })
})

describe('SQLite store', () => {
  it('refuses a file that is not SQLite, a SQLite file of another tool, and a missing store, naming the file', async () => {
    const notSqlite = join(dir(), 'results.json')
    await writeFile(notSqlite, '{"schemaVersion":1}')
    const other = join(dir(), 'compressa.sqlite')
    await writeCompressaDb(other, [])
    for (const [path, message] of [
      [notSqlite, `History ${notSqlite} is not a SQLite database`],
      [other, `History ${other} is not an mlnode-bench history store (schemaVersion missing, expected "1")`],
      [join(dir(), 'nope.sqlite'), `History ${join(dir(), 'nope.sqlite')} cannot be read: no such file`],
    ] as const) {
      const error = await HistoryStore.open(path).catch((e: unknown) => e)
      expect(hasCode(error, 'MLNB_HISTORY')).toBe(true)
      expect((error as Error).message).toContain(message)
    }
  })
})

describe('PostgreSQL store', () => {
  async function query(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return (await client.query(sql)).rows as Array<Record<string, unknown>>
    } finally {
      await client.end()
    }
  }

  it('four writers opening a new database at once migrate it once; a newer schema is refused by name', async (ctx) => {
    const url = await postgres(ctx).createDatabase('migrations')
    await Promise.all([1, 2, 3, 4].map((i) => withHistory(url, (s) => s.addRun(runFile(`r${i}`, `2026-01-0${i}T00:00:00.000Z`)), { write: true })))
    expect(await query(url, 'SELECT version, name FROM mlnode_bench.schema_migrations ORDER BY version')).toEqual([{ version: 1, name: 'runs and results' }])
    expect(LATEST_VERSION).toBe(1)
    await query(url, "INSERT INTO mlnode_bench.schema_migrations (version, name) VALUES (99, 'from the future')")
    const error = await withHistory(url, (s) => s.listRuns()).catch((e: unknown) => e)
    expect(hasCode(error, 'MLNB_HISTORY')).toBe(true)
    expect((error as Error).message).toContain('has schema version 99, written by a newer mlnode-bench (this one knows up to 1)')
  })

  it('a writer waits for another writer of the same run only so long, then stores nothing and says why', async (ctx) => {
    const url = await postgres(ctx).createDatabase('lock-wait')
    await withHistory(url, (s) => s.addRun(runFile('seed', '2026-01-01T00:00:00.000Z')), { write: true })
    const holder = new pg.Client({ connectionString: url })
    await holder.connect()
    try {
      await holder.query('BEGIN')
      await holder.query("SELECT pg_advisory_xact_lock(hashtext('mlnode_bench.run:stuck'))")
      const error = await withHistory(url, (s) => s.addRun(runFile('stuck', '2026-01-02T00:00:00.000Z')), { write: true, lockWaitMs: 200 }).catch((e: unknown) => e)
      expect(hasCode(error, 'MLNB_HISTORY')).toBe(true)
      expect((error as Error).message).toContain('run stuck not added (another writer was adding the same run and held it too long; nothing was stored, try again): canceling statement due to lock timeout')
      // Writers of other runs do not wait for it.
      expect((await withHistory(url, (s) => s.addRun(runFile('other', '2026-01-03T00:00:00.000Z')), { write: true, lockWaitMs: 200 })).added).toBe(true)
    } finally {
      await holder.end()
    }
    expect((await withHistory(url, (s) => s.listRuns())).map((r) => r.runId)).toEqual(['other', 'seed'])
  })

  it('a wrong password or a server that is down is a named error that shows neither password', async (ctx) => {
    const server = postgres(ctx)
    const wrong = server.url('postgres').replace(POSTGRES_TEST_PASSWORD, 'not-the-pw-42')
    const refused = await withHistory(wrong, (s) => s.listRuns()).catch((e: unknown) => e)
    expect(hasCode(refused, 'MLNB_HISTORY')).toBe(true)
    expect((refused as Error).message).toMatch(/^History postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/postgres: cannot be reached: password authentication failed/)
    expect((refused as Error).message).not.toContain('not-the-pw-42')
    const down = historyLocation(undefined, { env: { MLNODE_BENCH_HISTORY_URL: `postgresql://mlnb:${POSTGRES_TEST_PASSWORD}@127.0.0.1:1/h` } })
    const unreachable = await withHistory(down, (s) => s.listRuns()).catch((e: unknown) => e)
    expect((unreachable as Error).message).toMatch(/^History postgresql:\/\/\*\*\*@127\.0\.0\.1:1\/h: cannot be reached: .*ECONNREFUSED/)
    expect(JSON.stringify({ message: (unreachable as Error).message, details: (unreachable as { details: unknown }).details })).not.toContain(POSTGRES_TEST_PASSWORD)
  })
})

describe('where the history lives', () => {
  const env = (url: string) => ({ MLNODE_BENCH_HISTORY_URL: url })
  it('MLNODE_BENCH_HISTORY_URL picks PostgreSQL, --history wins over it, nothing set is the SQLite file', () => {
    expect(historyLocation(undefined, { env: env('postgres://u:hunter22@db:5432/bench') })).toEqual({ kind: 'postgres', url: 'postgres://u:hunter22@db:5432/bench', shownAs: 'postgres://***@db:5432/bench' })
    expect(historyLocation('h.sqlite', { env: env('postgres://db/bench'), root: '/r' }) satisfies HistoryLocation).toEqual({ kind: 'sqlite', path: '/r/h.sqlite', shownAs: '/r/h.sqlite' })
    expect(historyLocation(undefined, { env: {} })).toMatchObject({ kind: 'sqlite', path: '.mlnode-bench/history.sqlite' })
  })

  it('--history with a URL of another database is a named error, its credentials masked', () => {
    const error = (() => {
      try {
        historyLocation('mysql://u:pw123456@db/bench', { env: {} })
      } catch (e) {
        return e
      }
    })()
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toBe('The history "mysql://***@db/bench" is no history mlnode-bench can use: a URL must be postgres:// or postgresql:// (PostgreSQL), anything else is an SQLite file path')
  })

  it("the URL's password is a secret of the environment, and scrubbed once the URL was read", () => {
    expect(secretsOf(env('postgres://bench:s3cret-pw@db:5432/h'))).toEqual(expect.arrayContaining(['s3cret-pw', 'bench:s3cret-pw']))
    // Given on the command line (not in the environment): registered when it is located.
    historyLocation('postgresql://bench:cli-only-pw@db/h?sslmode=require', { env: {} })
    expect(scrub('auth failed with cli-only-pw', {})).toBe('auth failed with ***')
  })

  it.each([
    ['mysql://u:pw123456@db/bench', 'MLNODE_BENCH_HISTORY_URL must be a postgres:// or postgresql:// URL, got "mysql://***@db/bench"'],
    ['bench.sqlite', 'MLNODE_BENCH_HISTORY_URL must be a postgres:// or postgresql:// URL, got "bench.sqlite"'],
  ])('MLNODE_BENCH_HISTORY_URL=%s is a named error', (url, message) => {
    const error = (() => {
      try {
        historyLocation(undefined, { env: env(url) })
      } catch (e) {
        return e
      }
    })()
    expect(hasCode(error, 'MLNB_CONFIG')).toBe(true)
    expect((error as Error).message).toContain(message)
  })
})

describe("the test server's binaries", () => {
  it("are found on PATH first, else in Debian's /usr/lib/postgresql/<newest>/bin, else not at all", async () => {
    const bins = async (at: string) => {
      await mkdir(at, { recursive: true })
      for (const b of ['initdb', 'postgres']) await writeFile(join(at, b), '')
    }
    const lib = join(dir(), 'lib-postgresql')
    await bins(join(lib, '9.6', 'bin'))
    await bins(join(lib, '16', 'bin'))
    await bins(join(dir(), 'on-path'))
    expect(findPostgresBin({ PATH: join(dir(), 'on-path') }, lib)).toBe(join(dir(), 'on-path'))
    expect(findPostgresBin({ PATH: '/nowhere' }, lib)).toBe(join(lib, '16', 'bin'))
    expect(findPostgresBin({ PATH: '/nowhere' }, join(dir(), 'none'))).toBeUndefined()
  })
})
