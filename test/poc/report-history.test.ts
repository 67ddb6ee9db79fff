/** The HTML report shows a PoC workload as a chart of nonces/min per variant; the history keeps PoC results and their rate. */
import { expect, it } from 'vitest'
import { buildReportData, renderHtmlReport } from '../../src/html-report/index.js'
import type { BenchResult } from '../../src/contracts/results.js'
import type { HistoryRun } from '../../src/history/store.js'

const poc = (variant: string, noncesPerMin: number): BenchResult => ({
  model: 'Qwen/Qwen2.5-7B-Instruct',
  variant,
  workload: 'poc',
  file: 'benchmarks/q.bench.ts',
  status: 'passed',
  target: { kind: 'simulated', hardware: '4xrtx-3090', simulatedTime: true },
  args: ['--quantization', 'fp8'],
  deployS: 60,
  poc: { noncesPerMin, noncesPerMinPerGpu: noncesPerMin / 4, gpus: 4, nonces: 100, durationS: 20, firstArtifactS: 5, callbacks: 8, seqLen: 256, batchSize: 8, kDim: 12, backends: [{ group: 0, nonces: 100, noncesPerMin }] },
})

it('a PoC workload gets a nonces/min chart, simulated data labelled, and the page renders', async () => {
  const run: HistoryRun = { seq: 1, runId: 'r1', source: 'mlnode-bench', date: '2026-01-01T00:00:00.000Z', state: 'complete', results: 2, passed: 2, simulated: true, provenance: { tool: { name: 'mlnode-bench', version: '0' }, date: '2026-01-01T00:00:00.000Z' }, entries: [poc('tp1', 2976), poc('tp2', 2640)] }
  const data = buildReportData({ runs: [run], generatedAt: '2026-01-02T00:00:00.000Z' })
  const section = data.sections.find((s) => s.heading === 'Qwen/Qwen2.5-7B-Instruct › poc')!
  expect(section.charts.map((c) => c.kind)).toEqual(['poc'])
  const chart = section.charts[0]!
  expect(chart.simulated).toBe(true)
  const config = chart.config as { data: { labels: string[]; datasets: Array<{ label: string; data: number[] }> }; options: { plugins: { title: { text: string } } } }
  expect(config.data.labels).toEqual(['tp1', 'tp2'])
  expect(config.data.datasets[0]).toMatchObject({ label: 'nonces/min', data: [2976, 2640] })
  expect(config.options.plugins.title.text).toContain('SIMULATED')
  const html = await renderHtmlReport(data)
  expect(html).toContain('PoC nonces/min by variant')
})

it('the history store keeps a PoC result whole, and a baseline built from the history keeps its nonces/min', async () => {
  const { mkdtemp, rm } = await import('node:fs/promises')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { withHistory } = await import('../../src/history/store.js')
  const { baselineFromHistory } = await import('../../src/history/baseline-from-history.js')
  const dir = await mkdtemp(join(tmpdir(), 'mlnb-poc-history-'))
  try {
    const path = join(dir, 'h.sqlite')
    const stamp = { id: 'run-1', date: '2026-01-01T00:00:00.000Z' }
    const file = { schemaVersion: 1 as const, provenance: { tool: { name: 'mlnode-bench', version: '0' }, date: stamp.date }, run: { ...stamp, state: 'complete' as const }, results: [{ ...poc('tp1', 2976), run: stamp }] }
    expect((await withHistory(path, (s) => s.addRun(file), { write: true })).added).toBe(true)
    await withHistory(path, async (s) => {
      const [run] = await s.runs()
      expect(run!.entries[0]!.poc).toEqual(poc('tp1', 2976).poc)
      const baseline = baselineFromHistory(await s.runs(), 'history')
      expect(baseline.results['Qwen/Qwen2.5-7B-Instruct']!.tp1!.poc!.metrics.noncesPerMin!.value).toBe(2976)
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
