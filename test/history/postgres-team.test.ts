/**
 * A team's shared history in PostgreSQL (issue 26): runners appending at once lose nothing, and
 * `history add|list|import-compressa`, `report` and `diff --baseline-from-history` work on it as on the SQLite
 * file when MLNODE_BENCH_HISTORY_URL names it, without ever printing its password. The commands
 * run in-process (their `run` functions, so no scrubbing of the console hides a leak); the
 * writers are real processes, each with its own connections.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { run as diffCommand } from '../../src/cli/commands/diff.js'
import { run as historyCommand } from '../../src/cli/commands/history.js'
import { run as reportCommand } from '../../src/cli/commands/report.js'
import { withHistory } from '../../src/history/store.js'
import type { RunResults } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { POSTGRES_TEST_PASSWORD, usePostgresServer } from '../helpers/postgres-server.js'
import { useTempDir } from '../temp-dir.js'
import { measurementsOf, writeCompressaDb } from './compressa-db.js'
import { buildFixtureHistory } from '../html-report/report-fixture.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { repo } from '../faults/run-fixture.js'

vi.setConfig({ testTimeout: PROCESS_TEST_TIMEOUT_MS })

const postgres = usePostgresServer()
const dir = useTempDir('mlnb-pg-team-')
afterEach(() => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

const WRITERS = 4
const RUNS_EACH = 8

describe('a PostgreSQL history shared by a team', () => {
  it(`${WRITERS} processes appending ${RUNS_EACH} runs each to one history at once: every run and result is there`, async (ctx) => {
    const url = await postgres(ctx).createDatabase('team')
    // test/faults/helpers/history-writer.ts: one withHistory write (own pool, own transaction) per run.
    // All four start writing together once each has started (tsx start-ups differ by seconds here).
    const go = join(dir(), 'go')
    const writers = Array.from({ length: WRITERS }, (_, w) =>
      execa(process.execPath, ['--import', 'tsx', join(repo, 'test/faults/helpers/history-writer.ts'), url, `w${w}`, String(RUNS_EACH), go], { cwd: repo, timeout: CHILD_TIMEOUT_MS }),
    )
    await Promise.all(writers.map((child) => new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()))))
    await writeFile(go, '')
    await Promise.all(writers)
    const runs = await withHistory(url, (s) => s.runs())
    // They did write at once: in the order of the store (seq), the writers' runs interleave.
    const writerBySeq = [...runs].sort((a, b) => a.seq - b.seq).map((r) => r.runId.split('-')[0])
    expect(writerBySeq.filter((w, i) => i > 0 && w !== writerBySeq[i - 1]).length).toBeGreaterThan(WRITERS - 1)
    const expected = Array.from({ length: WRITERS }, (_, w) => Array.from({ length: RUNS_EACH }, (_, i) => `w${w}-${i}`)).flat()
    expect(runs.map((r) => r.runId).sort()).toEqual(expected.sort())
    expect(new Set(runs.map((r) => r.seq)).size).toBe(WRITERS * RUNS_EACH)
    // Each run holds exactly its own result, whole: nothing lost, nothing interleaved.
    for (const r of runs) expect(r.entries.map((e) => [e.run?.id, e.variant, e.metrics?.e2elMs.count])).toEqual([[r.runId, 'v', 200]])
  })

  it('history add|list|import-compressa, report and diff --baseline-from-history on MLNODE_BENCH_HISTORY_URL, the password never printed', async (ctx) => {
    const url = await postgres(ctx).createDatabase('commands')
    vi.stubEnv('MLNODE_BENCH_HISTORY_URL', url)
    const printed: string[] = []
    const collect = (...args: unknown[]) => void printed.push(args.map(String).join(' '))
    vi.spyOn(console, 'log').mockImplementation(collect)
    vi.spyOn(console, 'error').mockImplementation(collect)
    const shownAs = url.replace(`mlnb:${POSTGRES_TEST_PASSWORD}@`, '***@')

    const runFile = (id: string, day: number, scale: number): RunResults => {
      const date = `2026-01-0${day}T00:00:00.000Z`
      const git = { commit: 'c'.repeat(40), dirty: false, branch: 'main' }
      return { schemaVersion: 1, provenance: { tool: { name: 'mlnode-bench', version: '0.1.0' }, date, git }, run: { id, date, git, state: 'complete' }, results: [{ ...passedResult('m', 'tp4', 'chat', { scale }), run: { id, date, git } }] }
    }
    const files = await Promise.all(
      ([['r1', 1, 1], ['r2', 2, 1.01], ['r3', 3, 0.995], ['r4', 4, 1.5]] as const).map(async ([id, day, scale]) => {
        const path = join(dir(), `${id}.json`)
        await writeFile(path, JSON.stringify(runFile(id, day, scale)))
        return path
      }),
    )
    expect(await historyCommand(['add', files[0]!, files[1]!, files[2]!])).toBe(0)
    expect(printed).toContain(`${files[0]}: run #1 added to ${shownAs} (1 result)`)
    expect(await historyCommand(['add', files[0]!])).toBe(0)
    expect(printed).toContain(`${files[0]}: already in ${shownAs} as run #1, not added again`)

    const compressa = join(dir(), 'compressa-perf-db.sqlite')
    await writeCompressaDb(compressa, [{ name: 'by hand', description: 'old comparison', date: '2025-05-05 12:00:00', parameters: { model_name: 'm' }, measurements: measurementsOf(30) }])
    expect(await historyCommand(['import-compressa', compressa])).toBe(0)
    expect(printed.at(-1)).toBe(`${compressa}: 1 experiment imported into ${shownAs}`)

    printed.length = 0
    expect(await historyCommand(['list'])).toBe(0)
    const rows = printed.join('\n').split('\n')
    expect(rows[0]).toMatch(/^ID\s+Date\s+Source\s+Name\s+Commit\s+Description$/)
    expect(rows.slice(1).map((r) => r.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['3', '2026-01-03T00:00:00Z', 'mlnode-bench', 'r3'],
      ['2', '2026-01-02T00:00:00Z', 'mlnode-bench', 'r2'],
      ['1', '2026-01-01T00:00:00Z', 'mlnode-bench', 'r1'],
      ['4', '2025-05-05T12:00:00Z', 'compressa-perf', 'by hand'],
    ])

    const out = join(dir(), 'report.html')
    expect(await reportCommand(['--out', out])).toBe(0)
    expect(printed.at(-1)).toMatch(/^Report written to .*report\.html: 4 runs, \d+ charts/)
    expect(await readFile(out, 'utf8')).toContain('by hand')

    // r4 is 50 % slower than the last three runs on main: a regression; r3 against r2 and r1 is not.
    expect(await diffCommand(['--results', files[3]!, '--baseline-from-history', 'main:3'])).toBe(1)
    expect(printed.join('\n')).toContain(`Baseline history ${shownAs} (last 3 runs on main): 8 regression(s)`)
    expect(await diffCommand(['--results', files[2]!, '--baseline-from-history', 'main:3'])).toBe(0)
    expect(printed.at(-1)).toContain('(last 3 runs on main): 0 regression(s)')

    const everything = printed.join('\n') + (await readFile(out, 'utf8'))
    expect(everything).not.toContain(POSTGRES_TEST_PASSWORD)
  })
  it('history copy moves an SQLite history into the shared one run for run, and a second copy adds nothing', async (ctx) => {
    const url = await postgres(ctx).createDatabase('moved')
    vi.stubEnv('MLNODE_BENCH_HISTORY_URL', url)
    const printed: string[] = []
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')))
    // Runs on the simulator and on a node, and an imported compressa-perf experiment.
    const { historyPath, runs: local } = await buildFixtureHistory(dir())
    expect(await historyCommand(['copy', historyPath])).toBe(0)
    expect(await historyCommand(['copy', historyPath])).toBe(0)
    const shownAs = url.replace(`mlnb:${POSTGRES_TEST_PASSWORD}@`, '***@')
    expect(printed).toEqual([`${historyPath} → ${shownAs}: ${local.length} runs copied, 0 already there`, `${historyPath} → ${shownAs}: 0 runs copied, ${local.length} already there`])
    // The same logical schema: every field of every run reads back the same from PostgreSQL.
    expect(await withHistory(url, (s) => s.runs())).toEqual(local)
  })
})
