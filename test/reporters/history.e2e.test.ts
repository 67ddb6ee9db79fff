/**
 * The history reporter on REAL vitest bench runs of test/fixtures/reporters-run: each run is
 * appended to the history and the HTML report rewritten; a history that cannot be used fails the
 * run but leaves results.json and the summary as the other reporters wrote them. With
 * MLNODE_BENCH_HISTORY_URL the run goes to that PostgreSQL history (a throwaway server).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { withHistory } from '../../src/history/store.js'
import { parseRunResults } from '../../src/report/run-results.js'
import { useTempDir } from '../temp-dir.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { POSTGRES_TEST_PASSWORD, usePostgresServer } from '../helpers/postgres-server.js'

const root = fileURLToPath(new URL('../fixtures/reporters-run/', import.meta.url))
const vitestBin = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url))

const tempDir = useTempDir('mlnb-history-run-')
const postgres = usePostgresServer()

const runBench = (historyUrl = '') =>
  execa(process.execPath, [vitestBin, 'bench', '--run', '--root', root, 'pass'], {
    reject: false,
    env: { MLNB_FIXTURE_OUT: tempDir(), MLNODE_BENCH_UPDATE_BASELINE: '', MLNODE_BENCH_HISTORY_URL: historyUrl, FORCE_COLOR: '0', NO_COLOR: '1' },
    timeout: CHILD_TIMEOUT_MS,
  })

describe('history reporter on real bench runs', () => {
  it('appends every run and rewrites the report; a corrupt history loses no results', async () => {
    for (const seq of [1, 2]) {
      const r = await runBench()
      expect(r.exitCode, r.stderr).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`run #${seq} added to history .*history\\.sqlite \\(2 results\\)`))
    }
    const runs = await withHistory(join(tempDir(), 'history.sqlite'), (s) => s.runs())
    expect(runs.map((r) => [r.seq, r.results, r.state])).toEqual([[2, 2, 'complete'], [1, 2, 'complete']])
    const results = parseRunResults(await readFile(join(tempDir(), 'results.json'), 'utf8'), 'results.json')
    expect(runs[0]!.runId).toBe(results.run!.id)
    expect(await readFile(join(tempDir(), 'report.html'), 'utf8')).toContain('from 2 runs')

    await writeFile(join(tempDir(), 'history.sqlite'), 'not a database')
    const broken = await runBench()
    expect(broken.exitCode).toBe(1)
    expect(broken.stderr).toContain('history.sqlite not updated: History')
    expect(broken.stderr).toContain('is not a SQLite database')
    const kept = parseRunResults(await readFile(join(tempDir(), 'results.json'), 'utf8'), 'results.json')
    expect(kept.run).toMatchObject({ state: 'complete' })
    expect(kept.run!.id).not.toBe(results.run!.id)
    expect(kept.results.filter((r) => r.status === 'passed')).toHaveLength(2)
    expect(await readFile(join(tempDir(), 'summary.md'), 'utf8')).not.toContain('INCOMPLETE')
  }, PROCESS_TEST_TIMEOUT_MS)

  it('with MLNODE_BENCH_HISTORY_URL the run is appended to that PostgreSQL history, its password never printed', async (ctx) => {
    const url = await postgres(ctx).createDatabase('reporter')
    const r = await runBench(url)
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/run #1 added to history postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/reporter \(2 results\)/)
    expect(r.stdout + r.stderr).not.toContain(POSTGRES_TEST_PASSWORD)
    const runs = await withHistory(url, (s) => s.runs())
    const results = parseRunResults(await readFile(join(tempDir(), 'results.json'), 'utf8'), 'results.json')
    expect(runs.map((x) => [x.runId, x.results, x.state])).toEqual([[results.run!.id, 2, 'complete']])
  }, PROCESS_TEST_TIMEOUT_MS)
})
