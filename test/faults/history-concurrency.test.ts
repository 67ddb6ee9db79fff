/**
 * Losses in the history: concurrent writers (two runs, or a run and `history add`) each read the
 * whole database, add, and write it back; without a lock one's runs were dropped. A snapshot of
 * a run still going on does not shadow the run's own final results, and `history add` refuses
 * an unfinished run unless told (--allow-incomplete).
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { expect, it } from 'vitest'
import { withHistory } from '../../src/history/store.js'
import type { RunResults } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { useTempDir } from '../temp-dir.js'
import { CHILD_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../timeouts.js'
import { repo, tsxCli } from './run-fixture.js'

const dir = useTempDir('mlnb-faults-history-', 'test')
const WRITERS = 4
const RUNS_EACH = 8

it(`${WRITERS} processes adding ${RUNS_EACH} runs each at once: every run is in the history`, async () => {
  const path = join(dir(), 'history.sqlite')
  await Promise.all(
    Array.from({ length: WRITERS }, (_, w) => execa(process.execPath, ['--import', 'tsx', join(repo, 'test/faults/helpers/history-writer.ts'), path, `w${w}`, String(RUNS_EACH)], { cwd: repo, timeout: CHILD_TIMEOUT_MS })),
  )
  const ids = (await withHistory(path, (store) => store.listRuns())).map((r) => r.runId)
  expect(ids.length).toBe(WRITERS * RUNS_EACH)
}, PROCESS_TEST_TIMEOUT_MS)

function file(state: 'running' | 'complete', results: number): RunResults {
  const stamp = { id: 'run-1', date: '2026-01-01T00:00:00.000Z' }
  return {
    schemaVersion: 1,
    provenance: { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: stamp.date },
    run: { ...stamp, state },
    results: Array.from({ length: results }, (_, i) => ({ ...passedResult('m', `v${i}`, 'w'), run: stamp })),
  }
}

it("history add refuses a 'running' results.json unless --allow-incomplete; the run's own end replaces such a snapshot", async () => {
  const path = join(dir(), 'history.sqlite')
  const snapshot = join(dir(), 'results.json')
  await writeFile(snapshot, JSON.stringify(file('running', 0)))
  const cli = (...args: string[]) => execa(process.execPath, [tsxCli, 'src/cli/main.ts', 'history', 'add', snapshot, '--history', path, ...args], { cwd: repo, reject: false, timeout: CHILD_TIMEOUT_MS })
  const refused = await cli()
  expect(refused.exitCode).toBe(1)
  expect(refused.stderr).toMatch(/'running' \(still going on, or killed before it ended\)[\s\S]*--allow-incomplete/)
  const forced = await cli('--allow-incomplete')
  expect(forced.exitCode, forced.stderr).toBe(0)
  // The run ends and adds its results: they replace the empty snapshot, not "already in".
  const added = await withHistory(path, (store) => store.addRun(file('complete', 2)), { write: true })
  expect(added).toMatchObject({ added: true, results: 2 })
  const runs = await withHistory(path, (store) => store.listRuns())
  expect(runs.map((r) => [r.runId, r.state, r.results])).toEqual([['run-1', 'complete', 2]])
}, PROCESS_TEST_TIMEOUT_MS)
