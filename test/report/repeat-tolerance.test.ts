/**
 * Repeats in the baseline (src/report/repeat-tolerance.ts, first-baseline.ts; src/run/fold-repeats.ts):
 * the statistic's constants, the fold, the tolerance a repeats baseline gives, the refusal of a
 * thin first baseline on a real target, and both schemas carrying the new blocks.
 */
import { describe, expect, it } from 'vitest'
import type { BenchResult, TargetInfo } from '../../src/contracts/results.js'
import { runResultsProblems } from '../../src/contracts/schema/check-results.js'
import { hasCode } from '../../src/errors.js'
import { checkBaseline, entryFromResult, updateBaseline } from '../../src/report/baseline.js'
import { assertFirstBaselineRepeats } from '../../src/report/first-baseline.js'
import { metricDef } from '../../src/report/metric-defs.js'
import { toleranceFor } from '../../src/report/noise.js'
import { baselineRepeats, foldedMedian, medianVariance, pooledK, pooledSpread, relativeSpread, repeatK } from '../../src/report/repeat-tolerance.js'
import { foldRepeats } from '../../src/run/fold-repeats.js'
import { createRng } from '../../src/sim/rng.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance = { tool: { name: 'mlnode-bench', version: 'test' }, date: '2026-01-01T00:00:00.000Z' }
const REAL: TargetInfo = { kind: 'mlnode', hardware: '8x NVIDIA H100 80GB HBM3' }

/** `n` results of one workload whose latencies are scaled by `scales` (a run-level factor each). */
function repeated(scales: number[], target: TargetInfo = REAL): BenchResult {
  const runs = scales.map((scale, i) => passedResult('m', 'tp4', 'chat', { scale, seed: 1 + i, target }))
  const folded = foldRepeats(runs.map((r) => r.metrics!), true)
  return { ...runs[0]!, metrics: folded.metrics, repeats: folded.repeats }
}

describe('the statistic', () => {
  it('has the variance of the (lower) median of N normal draws that a seeded simulation gives', () => {
    const rng = createRng(11)
    const z = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng())
    for (const n of [2, 3, 4, 5, 7, 10]) {
      let s = 0
      let s2 = 0
      const draws = 60_000
      for (let i = 0; i < draws; i++) {
        const m = foldedMedian(Array.from({ length: n }, z))
        s += m
        s2 += m * m
      }
      const variance = s2 / draws - (s / draws) ** 2
      expect(Math.abs(variance / medianVariance(n) - 1)).toBeLessThan(0.03)
    }
  })

  it('folds to the lower middle value and measures the spread against the median', () => {
    expect(foldedMedian([3, 1, 2])).toBe(2)
    expect(foldedMedian([4, 1, 3, 2])).toBe(2)
    expect(relativeSpread([100, 100, 100])).toBe(0)
    expect(relativeSpread([90, 100, 110])).toBeCloseTo(0.1, 12)
    // k(3) = t(0.999, 2) · √(2 · c₃): wide, as two degrees of freedom demand.
    expect(repeatK(3)).toBeCloseTo(22.327 * Math.sqrt(2 * 0.449), 6)
    expect(repeatK(10)).toBeLessThan(repeatK(5))
    expect(repeatK(1)).toBe(Infinity)
  })
})

describe('foldRepeats', () => {
  it('keeps every judged figure of every repeat and the median repeat’s distribution', () => {
    const a = passedResult('m', 'v', 'w', { scale: 1, seed: 1 }).metrics!
    const b = { ...passedResult('m', 'v', 'w', { scale: 1.2, seed: 2 }).metrics!, requests: { total: 200, completed: 199, failed: 1, failuresByReason: { timeout_total: 1 } } }
    const c = passedResult('m', 'v', 'w', { scale: 0.9, seed: 3 }).metrics!
    const { metrics, repeats } = foldRepeats([a, b, c], false)
    expect(repeats).toMatchObject({ count: 3, redeployed: false })
    expect(repeats.figures.e2elMs).toEqual([a.e2elMs.medianMs, b.e2elMs.medianMs, c.e2elMs.medianMs])
    expect(metrics.e2elMs).toBe(a.e2elMs)
    expect(metrics.requestsPerS).toBe(foldedMedian([a.requestsPerS, b.requestsPerS, c.requestsPerS]))
    // A failure reason one repeat saw counts 0 in the others: its median is 0.
    expect(metrics.requests.failuresByReason).toEqual({ timeout_total: 0 })
    expect(() => foldRepeats([a], false)).toThrow(/two measurements/)
  })
})

describe('a baseline accepted from repeats', () => {
  it('stores spread and tolerance per metric and judges with them until the history is as long', () => {
    const result = repeated([1, 1.04, 0.97])
    const first = updateBaseline(undefined, [result], provenance).baseline
    const entry = first.results.m!.tp4!.chat!
    expect(entry.repeats).toEqual(baselineRepeats(result.repeats!))
    const def = metricDef('e2elMs')
    // A new run of one measurement: the baseline's own k(3) × spread.
    const single = entryFromResult(passedResult('m', 'tp4', 'chat', { target: REAL }))!
    const tolerance = toleranceFor(def, entry, single, 0.03, 0.1)
    expect(tolerance.value).toBeCloseTo(Math.max(0.03, repeatK(3) * entry.repeats!.spread.e2elMs!), 12)
    expect(tolerance.why).toMatch(/spread .* in 3 repeats/)
    // Two more accepted runs of repeats: the history (3 medians) now has as many figures and decides.
    let baseline = first
    for (const scales of [[1.01, 0.99, 1.02], [0.98, 1, 1.03]]) baseline = updateBaseline(baseline, [repeated(scales)], provenance).baseline
    const later = baseline.results.m!.tp4!.chat!
    expect(later.history!.e2elMs).toHaveLength(3)
    expect(toleranceFor(def, later, later, 0.03, 0.1).why).toMatch(/noise .* in 3 runs/)
  })

  it('pools the spread of a new run of repeats with the baseline\'s (two-sample t bound)', () => {
    const base = updateBaseline(undefined, [repeated([1, 1.04, 0.97])], provenance).baseline.results.m!.tp4!.chat!
    const next = entryFromResult(repeated([1.02, 0.99, 1.01, 1.05, 0.98]))!
    const def = metricDef('e2elMs')
    const pooled = pooledSpread(base.repeats!.spread.e2elMs!, 3, next.repeats!.spread.e2elMs!, 5)
    const tolerance = toleranceFor(def, base, next, 0.001, 0.1)
    expect(tolerance.value).toBeCloseTo(pooledK(3, 5) * pooled, 12)
    expect(tolerance.why).toMatch(/in 3 \+ 5 repeats/)
    // More evidence, a tighter k: t(0.999, 6)·√(c₃ + c₅) < t(0.999, 2)·√(2 c₃).
    expect(pooledK(3, 5)).toBeLessThan(repeatK(3))
    expect(toleranceFor(def, base, next, 0.001, 0.1, 2).value).toBeCloseTo(2 * pooled, 12)
  })

  it('passes both schemas: results.json with `repeats` and baseline.json with its spread and tolerance', () => {
    const result = repeated([1, 1.1, 0.95])
    expect(runResultsProblems({ schemaVersion: 1, provenance, results: [result] })).toEqual([])
    const text = JSON.stringify(updateBaseline(undefined, [result], provenance).baseline)
    expect(checkBaseline(text, 'b.json').invalid).toEqual([])
    const broken = JSON.parse(text)
    broken.results.m.tp4.chat.repeats.count = 1
    expect(checkBaseline(JSON.stringify(broken), 'b.json').invalid[0]!.message).toMatch(/repeats\.count/)
  })
})

describe('assertFirstBaselineRepeats', () => {
  it('refuses a first real-target baseline of one run, naming the result and the options to set', () => {
    let error: unknown
    try {
      assertFirstBaselineRepeats(undefined, [passedResult('m', 'tp4', 'chat', { target: REAL })])
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_BASELINE_REPEATS')).toBe(true)
    const message = (error as Error).message
    expect(message).toContain('m › tp4 › chat on 8x NVIDIA H100 80GB HBM3: 1 measurement')
    expect(message).toContain('repeats: 3')
    expect(message).toContain('MLNODE_BENCH_REPEATS=3')
  })

  it('accepts 3 repeats, the simulator, and a real entry that continues its own history', () => {
    expect(() => assertFirstBaselineRepeats(undefined, [repeated([1, 1.02, 0.99])])).not.toThrow()
    expect(() => assertFirstBaselineRepeats(undefined, [passedResult('m', 'tp4', 'chat')])).not.toThrow()
    const accepted = updateBaseline(undefined, [repeated([1, 1.02, 0.99])], provenance).baseline
    expect(() => assertFirstBaselineRepeats(accepted, [passedResult('m', 'tp4', 'chat', { target: REAL })])).not.toThrow()
    // Another setup (other args) starts afresh: refused again.
    expect(() => assertFirstBaselineRepeats(accepted, [{ ...passedResult('m', 'tp4', 'chat', { target: REAL }), args: ['-tp', '8'] }])).toThrow(/1 measurement/)
    // A failed result is never accepted, so never refused either.
    expect(() => assertFirstBaselineRepeats(undefined, [{ ...passedResult('m', 'x', 'chat', { target: REAL }), status: 'failed' }])).not.toThrow()
  })
})
