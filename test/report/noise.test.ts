import { describe, expect, it } from 'vitest'
import { updateBaseline, baselineEntry } from '../../src/report/baseline.js'
import { diffResults } from '../../src/report/diff.js'
import type { BenchResult, Provenance, TargetInfo } from '../../src/contracts/results.js'
import { metricDef } from '../../src/report/metric-defs.js'
import { noiseOf, toleranceFor, HISTORY_RUNS } from '../../src/report/noise.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-01-01T00:00:00.000Z' }
const real: TargetInfo = { kind: 'mlnode', hardware: '8x NVIDIA H100' }
const deterministic: TargetInfo = { kind: 'simulated', hardware: '8xh100', simulatedTime: true }
const key = { model: 'm', variant: 'tp4', workload: 'chat' }

/** A baseline accepted from `runs`, one update per run, as a user records noise. */
function acceptAll(runs: BenchResult[]) {
  let baseline = updateBaseline(undefined, [runs[0]!], provenance).baseline
  for (const r of runs.slice(1)) baseline = updateBaseline(baseline, [r], provenance).baseline
  return baseline
}

describe('noiseOf', () => {
  it('gives the coefficient of variation and a wider bound for fewer runs', () => {
    const three = noiseOf([100, 102, 98])!
    expect(three.cv).toBeCloseTo(0.02, 6)
    const nine = noiseOf([100, 102, 98, 100, 102, 98, 100, 102, 98])!
    expect(nine.cv).toBeCloseTo(0.01732, 4)
    expect(three.cvUpper / three.cv).toBeGreaterThan(nine.cvUpper / nine.cv)
    expect(noiseOf([100])).toBeUndefined()
  })
})

describe('tolerance from measured noise', () => {
  it('keeps the last runs of the same setup in the entry history, and restarts it when the args change', () => {
    const runs = Array.from({ length: HISTORY_RUNS + 2 }, (_, i) => passedResult('m', 'tp4', 'chat', { seed: i + 1, target: real }))
    const entry = baselineEntry(acceptAll(runs), key)!
    expect(entry.history?.e2elMs).toHaveLength(HISTORY_RUNS)
    const changed = updateBaseline(acceptAll(runs), [{ ...runs[0]!, args: ['-tp', '2'] }], provenance).baseline
    expect(baselineEntry(changed, key)!.history?.e2elMs).toHaveLength(1)
  })

  it('is the floor on a deterministic simulator, the unknown-noise tolerance for one real run, and 4 σ bound with history', () => {
    const def = metricDef('e2elMs')
    const det = baselineEntry(acceptAll([passedResult('m', 'tp4', 'chat', { target: deterministic })]), key)!
    expect(toleranceFor(def, det, det, 0.03, 0.1)).toEqual({ value: 0.03, why: 'deterministic' })
    const one = baselineEntry(acceptAll([passedResult('m', 'tp4', 'chat', { target: real })]), key)!
    expect(toleranceFor(def, one, one, 0.03, 0.1).value).toBe(0.1)
    const noisy = { ...one, history: { e2elMs: [2000, 2040, 1960, 2000, 2040, 1960, 2000, 2040, 1960, 2000] } }
    const t = toleranceFor(def, noisy, one, 0.03, 0.1)
    const bound = noiseOf(noisy.history.e2elMs)!.cvUpper
    expect(t.value).toBeCloseTo(4 * bound, 9)
    expect(t.value).toBeGreaterThan(0.03)
  })

  it('catches a 5 % slowdown on a deterministic simulator that a fixed ±10 % would call unchanged', () => {
    const base = acceptAll([passedResult('m', 'tp4', 'chat', { seed: 1, target: deterministic })])
    const slower = passedResult('m', 'tp4', 'chat', { seed: 1, scale: 1.05, target: deterministic })
    const e2el = diffResults(base, [slower]).entries[0]!.metrics.find((m) => m.metric === 'e2elMs')!
    expect(e2el.verdict).toBe('regressed')
    const fixed = diffResults(base, [slower], { tolerances: { e2elMs: 0.1 } }).entries[0]!.metrics.find((m) => m.metric === 'e2elMs')!
    expect(fixed.verdict).toBe('unchanged')
  })
})

describe('deploy time in the gate', () => {
  const withDeploy = (target: TargetInfo, deployS: number, seed = 1): BenchResult => ({ ...passedResult('m', 'tp4', 'chat', { seed, target }), deployS })
  const deployVerdict = (baseline: ReturnType<typeof acceptAll>, next: BenchResult) => diffResults(baseline, [next]).entries[0]!.metrics.find((m) => m.metric === 'deployS')!

  it('is judged exactly on the deterministic simulator', () => {
    const v = deployVerdict(acceptAll([withDeploy(deterministic, 50)]), withDeploy(deterministic, 55))
    expect(v).toMatchObject({ verdict: 'regressed', test: 'deterministic' })
  })

  it('needs the run-to-run noise of the history on a real MLNode: one run cannot tell, five can', () => {
    expect(deployVerdict(acceptAll([withDeploy(real, 300)]), withDeploy(real, 400)).verdict).toBe('inconclusive')
    const five = acceptAll([300, 306, 294, 303, 297].map((s, i) => withDeploy(real, s, i + 1)))
    expect(deployVerdict(five, withDeploy(real, 400))).toMatchObject({ verdict: 'regressed', test: 'noise-threshold' })
    expect(deployVerdict(five, withDeploy(real, 305)).verdict).toBe('unchanged')
  })
})
