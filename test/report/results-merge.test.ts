/** Which results.json entries a run replaces, keeps or drops */
import { describe, expect, it } from 'vitest'
import type { BenchResult, RunResults, RunStamp } from '../../src/contracts/results.js'
import { benchFileKey, mergeRunEntries, newRunStamp, previousEntries, type RunScope } from '../../src/report/results-merge.js'
import { mergeRunResults } from '../../src/report/run-results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const OLD: RunStamp = { id: 'old', date: '2025-01-01T00:00:00.000Z', git: { commit: 'a'.repeat(40), dirty: false } }
const NEW: RunStamp = { id: 'new', date: '2025-01-02T00:00:00.000Z' }
const FILE = 'benchmarks/qwq.bench.ts'

function entry(variant: string, run: RunStamp, extra: Partial<BenchResult> = {}): BenchResult {
  const { metrics: _m, ...r } = passedResult('Qwen/QwQ-32B', variant, 'chat')
  return { ...r, run, bench: { project: '', file: FILE, name: `Qwen/QwQ-32B > ${variant} › chat` }, ...extra }
}
const ids = (results: BenchResult[]) => results.map((r) => `${r.variant}@${r.run?.id}`)
const scope = (names: string[], exists = true): RunScope => ({
  collected: new Map([[benchFileKey({ project: '', file: FILE }), new Set(names.map((v) => `Qwen/QwQ-32B > ${v} › chat`))]]),
  fileExists: () => exists,
})

describe('mergeRunEntries', () => {
  const previous = [entry('tp8', OLD), entry('tp4', OLD), entry('tp2', OLD)]

  it('replaces what this run ran, in place, and keeps what it filtered out with the older run', () => {
    const merged = mergeRunEntries(previous, [entry('tp4', NEW)], scope(['tp8', 'tp4', 'tp2']))
    expect(ids(merged)).toEqual(['tp8@old', 'tp4@new', 'tp2@old'])
  })

  it('drops the entries of a bench no longer in a file this run collected, and of a file that is gone', () => {
    expect(ids(mergeRunEntries(previous, [entry('tp4', NEW)], scope(['tp8', 'tp4'])))).toEqual(['tp8@old', 'tp4@new'])
    expect(ids(mergeRunEntries(previous, [], scope([], false)))).toEqual([])
  })

  it('keeps every entry of a file this run did not collect, or that failed collection', () => {
    const other: RunScope = { collected: new Map(), fileExists: () => true }
    expect(ids(mergeRunEntries(previous, [entry('tp1', NEW, { bench: { project: '', file: 'other.bench.ts', name: 'x' } })], other))).toEqual([
      'tp8@old',
      'tp4@old',
      'tp2@old',
      'tp1@new',
    ])
  })

  it('a skipped bench of this run replaces nothing; a result key moved to another file replaces the old entry', () => {
    expect(ids(mergeRunEntries(previous, [entry('tp8', NEW, { status: 'skipped' })]))).toEqual(['tp8@old', 'tp4@old', 'tp2@old'])
    const moved = entry('tp2', NEW, { bench: { project: '', file: 'moved.bench.ts', name: 'Qwen/QwQ-32B > tp2 › chat' } })
    expect(ids(mergeRunEntries(previous, [moved]))).toEqual(['tp8@old', 'tp4@old', 'tp2@new'])
  })
})

describe('previousEntries', () => {
  it('stamps entries of a results file of an older version with the file provenance', () => {
    const { run: _r, bench: _b, ...legacy } = entry('tp8', OLD)
    const file: RunResults = { schemaVersion: 1, provenance: { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: OLD.date, git: OLD.git! }, results: [legacy, entry('tp4', NEW)] }
    expect(previousEntries(file).map((r) => r.run)).toEqual([{ id: `earlier-${OLD.date}`, date: OLD.date, git: OLD.git }, NEW])
  })
})

describe('newRunStamp', () => {
  it('names the run by its start time and a random suffix', () => {
    const stamp = newRunStamp(new Date('2025-03-04T05:06:07.890Z'))
    expect(stamp.id).toMatch(/^20250304T050607Z-[0-9a-f]{6}$/)
    expect(stamp.date).toBe('2025-03-04T05:06:07.890Z')
    expect(newRunStamp(new Date(0)).id).not.toBe(newRunStamp(new Date(0)).id)
  })
})

describe('mergeRunResults of shards', () => {
  it('keeps the state of a shard whose run did not finish, so the merged file is incomplete too', () => {
    const provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: NEW.date }
    const shard = (variant: string, state: 'complete' | 'running'): RunResults => ({ schemaVersion: 1, provenance, run: { ...NEW, id: `${variant}-run`, state }, results: [entry(variant, { ...NEW, id: `${variant}-run` })] })
    const complete = mergeRunResults([{ path: 'a.json', run: shard('tp8', 'complete') }, { path: 'b.json', run: shard('tp4', 'complete') }])
    expect(complete.run).toBeUndefined()
    const killed = mergeRunResults([{ path: 'a.json', run: shard('tp8', 'complete') }, { path: 'b.json', run: shard('tp4', 'running') }])
    expect(killed.run).toMatchObject({ id: 'tp4-run', state: 'running' })
    expect(killed.results.map((r) => r.variant)).toEqual(['tp4', 'tp8'])
  })

  it("merges only each shard's own run: results kept from earlier runs in a reused shard folder are left out", () => {
    const provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: NEW.date }
    const reused: RunResults = { schemaVersion: 1, provenance, run: { ...NEW, state: 'complete' }, results: [entry('tp8', NEW), entry('tp4', OLD)] }
    const other: RunResults = { schemaVersion: 1, provenance, run: { ...NEW, id: 'other', state: 'complete' }, results: [entry('tp4', { ...NEW, id: 'other' })] }
    const merged = mergeRunResults([{ path: 'a.json', run: reused }, { path: 'b.json', run: other }])
    expect(merged.results.map((r) => [r.variant, r.run?.id])).toEqual([['tp4', 'other'], ['tp8', 'new']])
  })
})
