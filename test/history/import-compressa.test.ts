import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { importCompressa } from '../../src/history/import-compressa.js'
import { renderHistoryList } from '../../src/history/list-text.js'
import { withHistory } from '../../src/history/store.js'
import { compressaMetricsOf } from '../../src/metrics/compressa.js'
import { measurementsOf, writeCompressaDb } from './compressa-db.js'
import { useTempDir } from '../temp-dir.js'

const dir = useTempDir('mlnb-compressa-', 'test')

describe('compressa-perf database import', () => {
  it('imports each experiment as a run: metrics from its measurements, its own Metrics and Parameters kept', async () => {
    const db = join(dir(), 'compressa-perf-db.sqlite')
    const fast = measurementsOf(40, { latency: 3, failEvery: 10 })
    await writeCompressaDb(db, [
      { name: 'fast', description: 'tp8 by hand', date: '2025-06-01 10:00:00', parameters: { model_name: 'Qwen/QwQ-32B', avg_n_input: '519.5' }, metrics: { TTFT: 0.5, THROUGHPUT: 123 }, measurements: fast },
      { name: 'empty', description: '', date: '2025-06-02 10:00:00', measurements: [] },
    ])
    const history = join(dir(), 'history.sqlite')
    const report = await withHistory(history, (s) => importCompressa(s, db), { write: true })
    expect(report.experiments).toEqual([{ id: 1, name: 'fast', added: true, requests: 40 }])
    expect(report.skipped).toEqual(['experiment 2 "empty": no measurements'])

    const [run] = await withHistory(history, (s) => s.runs())
    expect(run).toMatchObject({ source: 'compressa-perf', name: 'fast', description: 'tp8 by hand', date: '2025-06-01T10:00:00.000Z', importedFrom: 'compressa-perf-db.sqlite' })
    expect(run!.extra).toEqual({ compressaPerf: { experimentId: 1, metrics: { TTFT: 0.5, THROUGHPUT: 123 }, parameters: { model_name: 'Qwen/QwQ-32B', avg_n_input: '519.5' } } })
    const result = run!.entries[0]!
    expect(result).toMatchObject({ model: 'Qwen/QwQ-32B', variant: 'compressa-perf', workload: 'fast', status: 'passed', target: { kind: 'openai' } })
    const m = result.metrics!
    const ok = fast.filter((x) => x.status === 'success')
    expect(m.requests).toEqual({ total: 40, completed: 36, failed: 4, failuresByReason: {} })
    // TTFT and E2EL per request as compressa-perf measured them, in ms.
    expect(m.ttftMs.meanMs).toBeCloseTo((ok.reduce((a, x) => a + x.ttft, 0) / ok.length) * 1000, 6)
    expect(m.e2elMs.maxMs).toBeCloseTo(Math.max(...ok.map((x) => x.end - x.start)) * 1000, 6)
    expect(m.itlMs.count).toBe(0)
    expect(m.compressa).toEqual(compressaMetricsOf(fast.map((x) => ({ startS: x.start, endS: x.end, ttftS: x.ttft, nInput: x.nInput, nOutput: x.nOutput, ok: x.status === 'success' }))))
    expect(renderHistoryList([run!])).toMatch(/1\s+2025-06-01T10:00:00Z\s+compressa-perf\s+fast\s+-\s+1\/1 passed; tp8 by hand/)

    // Importing the same database again adds nothing.
    const again = await withHistory(history, (s) => importCompressa(s, db), { write: true })
    expect(again.experiments[0]!.added).toBe(false)
    expect((await withHistory(history, (s) => s.listRuns())).length).toBe(1)
  })

  it('names the file, the table and the column when the database is not compressa-perf\'s', async () => {
    const db = join(dir(), 'old.sqlite')
    await writeCompressaDb(db, [], { dropColumn: 'ttft' })
    const error = await withHistory(join(dir(), 'h.sqlite'), (s) => importCompressa(s, db), { write: true }).catch((e: unknown) => e)
    expect(hasCode(error, 'MLNB_HISTORY')).toBe(true)
    expect((error as Error).message).toBe(`${db} is not a compressa-perf database: table Measurements lacks column ttft`)
  })
})
