import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { HistoryStore, withHistory } from '../../src/history/store.js'
import type { RunResults } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'
import { writeCompressaDb } from './compressa-db.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlnb-history-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2026-01-01T00:00:00.000Z' }
function runFile(id: string, date: string, branch = 'main', extra: RunResults['results'] = []): RunResults {
  const git = { commit: 'a'.repeat(40), dirty: false, branch }
  const stamp = { id, date, git }
  return {
    schemaVersion: 1,
    provenance: { ...provenance, date, git },
    run: { ...stamp, state: 'complete' },
    results: [{ ...passedResult('m', 'tp4', 'chat'), run: stamp }, ...extra],
  }
}

describe('history store', () => {
  it('keeps every run once, newest first, with its whole results (histograms included)', async () => {
    const path = join(dir, 'h.sqlite')
    const first = runFile('run-1', '2026-01-01T00:00:00.000Z')
    await withHistory(path, (s) => expect(s.addRun(first)).toEqual({ added: true, seq: 1, results: 1 }), { write: true })
    await withHistory(path, (s) => {
      expect(s.addRun(first)).toEqual({ added: false, seq: 1, results: 0 })
      expect(s.addRun(runFile('run-2', '2026-01-02T00:00:00.000Z', 'feature')).added).toBe(true)
    }, { write: true })
    const runs = await withHistory(path, (s) => s.runs())
    expect(runs.map((r) => [r.seq, r.runId, r.branch, r.results, r.passed, r.simulated])).toEqual([
      [2, 'run-2', 'feature', 1, 1, true],
      [1, 'run-1', 'main', 1, 1, true],
    ])
    expect(runs[1]!.entries[0]).toEqual(first.results[0])
    expect(await withHistory(path, (s) => s.listRuns({ branch: 'main' }).map((r) => r.runId))).toEqual(['run-1'])
  })

  it('stores only what a partial run measured itself, not the entries it kept from earlier runs', async () => {
    const path = join(dir, 'h.sqlite')
    const older = { ...passedResult('m', 'tp8', 'chat'), run: { id: 'run-0', date: '2025-12-31T00:00:00.000Z' } }
    await withHistory(path, (s) => expect(s.addRun(runFile('run-1', '2026-01-01T00:00:00.000Z', 'main', [older])).results).toBe(1), { write: true })
    expect(await withHistory(path, (s) => s.runs()[0]!.entries.map((e) => e.variant))).toEqual(['tp4'])
  })

  it('refuses a file that is not SQLite, a SQLite file of another tool, and a missing store, naming the file', async () => {
    const notSqlite = join(dir, 'results.json')
    await writeFile(notSqlite, '{"schemaVersion":1}')
    const other = join(dir, 'compressa.sqlite')
    await writeCompressaDb(other, [])
    for (const [path, message] of [
      [notSqlite, `History ${notSqlite} is not a SQLite database`],
      [other, `History ${other} is not an mlnode-bench history store (schemaVersion missing, expected "1")`],
      [join(dir, 'nope.sqlite'), `History ${join(dir, 'nope.sqlite')} cannot be read: no such file`],
    ] as const) {
      const error = await HistoryStore.open(path).catch((e: unknown) => e)
      expect(hasCode(error, 'MLNB_HISTORY')).toBe(true)
      expect((error as Error).message).toContain(message)
    }
  })
})
