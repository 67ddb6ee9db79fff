import { describe, expect, it } from 'vitest'
import type { BenchResult, TargetInfo } from '../../src/contracts/results.js'
import { benchResultSchema } from '../../src/contracts/schema/results-schema.js'
import { baselineEntrySchema } from '../../src/contracts/schema/baseline-schema.js'
import { entryFromResult } from '../../src/report/baseline.js'
import { pickVariant, renderComparison } from '../../src/report/comparison.js'
import { compareEntries, resolveDiffOptions } from '../../src/report/diff.js'
import { renderJUnit } from '../../src/report/junit.js'
import { buildReportData } from '../../src/html-report/report-data.js'
import { sweepResult as sweepResultOf } from './sweep-fixture.js'

const deterministic: TargetInfo = { kind: 'simulated', hardware: '4xrtx-3090', simulatedTime: true }

const sweepResult = (variant: string, good: readonly number[]): BenchResult => sweepResultOf('m', variant, good, deterministic)

describe('capacity at SLO in the outputs', () => {
  const a = sweepResult('tp1', [20, 20, 19, 12])
  const b = sweepResult('tp2', [20, 18, 10, 5])

  it('is a valid result of results.json and a valid baseline entry with a capacityAtSlo figure', () => {
    expect(benchResultSchema.safeParse(a).success).toBe(true)
    const entry = entryFromResult(a)!
    expect(entry.metrics.capacityAtSlo).toEqual({ value: 4, unit: a.sweep!.capacityAtSlo.unit })
    expect(entry.requests).toEqual({ total: 80, completed: 80, failed: 0 })
    expect(baselineEntrySchema.safeParse(entry).success).toBe(true)
    // The schema catches a broken bracket.
    const broken = { ...a, sweep: { ...a.sweep!, capacityAtSlo: { ...a.sweep!.capacityAtSlo, bracket: [4] } } }
    expect(benchResultSchema.safeParse(broken).success).toBe(false)
  })

  it('fails the gate when capacity drops a step (higher is better), not when it holds or rises', () => {
    const options = resolveDiffOptions()
    const verdict = (base: BenchResult, next: BenchResult) => compareEntries(entryFromResult(base)!, entryFromResult(next)!, options).find((m) => m.metric === 'capacityAtSlo')!
    // In the load the sweep varied, not a generic 'load' (older baselines without the unit keep that).
    expect(verdict(a, b)).toMatchObject({ verdict: 'regressed', change: -0.25, unit: a.sweep!.capacityAtSlo.unit })
    expect(verdict(a, a).verdict).toBe('unchanged')
    expect(verdict(b, a).verdict).toBe('improved')
  })

  it('names the variant with the highest capacity in the comparison, with the curve and the knee', () => {
    expect(pickVariant([b, a])).toMatchObject({ kind: 'winner', best: { variant: 'tp1' }, runnerUp: { variant: 'tp2' } })
    const text = renderComparison([a, b])
    expect(text).toContain('Highest capacity at SLO: tp1 — 4 req/s (in [4, 5)), +33 % vs tp2.')
    expect(text).toMatch(/tp1\s+4\s+95\.0 %.*passed ◆/)
    expect(pickVariant([a, sweepResult('tp4', [20, 20, 19, 12])]).kind).toBe('tie')
  })

  it('shows capacity and bracket as JUnit properties', () => {
    const xml = renderJUnit([a])
    expect(xml).toContain('<property name="simulated_capacity_at_slo" value="4"/>')
    expect(xml).toContain('<property name="capacity_at_slo_bracket" value="[4, 5)"/>')
  })

  it('gives the HTML report one chart of every variant\'s curve with the knee, and the capacity table', () => {
    const run = { seq: 1, date: '2026-12-08T00:00:00Z', provenance: { tool: { name: 'mlnode-bench', version: '0' }, date: '2026-12-08T00:00:00Z' }, entries: [a, b] }
    const data = buildReportData({ runs: [run as never], generatedAt: '2026-12-08T00:00:00Z' })
    const charts = data.sections.flatMap((s) => s.charts).filter((c) => c.kind.startsWith('sweep'))
    expect(charts.map((c) => c.kind)).toEqual(['sweep-slo', 'sweep-goodput'])
    const datasets = (charts[0]!.config as { data: { datasets: Array<{ label: string; data: Array<{ x: number; y: number }> }> } }).data.datasets
    expect(datasets.find((d) => d.label === 'tp1 capacity at SLO')!.data).toEqual([{ x: 4, y: 95 }])
    expect(datasets.find((d) => d.label === 'tp2')!.data.map((p) => p.x)).toEqual([2, 3, 4, 5])
    expect(charts[0]!.title).toContain('share of requests within the SLO')
    expect(charts[0]!.simulated).toBe(true)
    const table = data.comparisons.find((c) => c.workload === 'capacity')!.table!
    expect(table.body[0]).toEqual(['tp1', '4*', '[4, 5)', '4/4', '—', '45'])
  })
})
