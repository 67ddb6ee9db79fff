import { describe, expect, it } from 'vitest'
import { updateBaseline } from '../../src/report/baseline.js'
import { diffResults } from '../../src/report/diff.js'
import type { BenchResult, MeasurementResolution, Provenance } from '../../src/report/model.js'
import { lateP99Ms, measurementResolution } from '../../src/vitest/resolution.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-01-01T00:00:00.000Z' }
const withResolution = (r: BenchResult, resolution: MeasurementResolution): BenchResult => ({ ...r, resolution })
const coarse: MeasurementResolution = { latencyMs: 60, rateShare: 0.4, clientLoopDelayP99Ms: 6 }
const fine: MeasurementResolution = { latencyMs: 0.5, rateShare: 0, clientLoopDelayP99Ms: 0.05 }
const verdicts = (results: BenchResult[], baseline: BenchResult[]) =>
  Object.fromEntries(diffResults(updateBaseline(undefined, baseline, provenance).baseline, results).entries[0]!.metrics.map((m) => [m.metric, m]))

describe('measurement resolution in the gate', () => {
  it('does not call a 30 % slowdown a regression when the run could be off by more than that', () => {
    // TTFT median ≈ 120 ms, TPOT ≈ 15 ms: a 60 ms stamp resolution blurs both; 40 % of the run stalled blurs rates.
    const byId = verdicts([withResolution(passedResult('m', 'tp4', 'chat', { seed: 7, scale: 1.3 }), coarse)], [withResolution(passedResult('m', 'tp4', 'chat', { seed: 1 }), fine)])
    for (const id of ['ttftMs', 'tpotMs', 'outputTokensPerS'] as const) {
      expect(byId[id]!.verdict).toBe('inconclusive')
      expect(byId[id]!.note).toContain('the measurement could be off by')
    }
    // E2EL ≈ 2 s: 60 ms is 3 %, so its 30 % rise still counts.
    expect(byId.e2elMs!.verdict).toBe('regressed')
  })

  it('judges as before when both runs were precise', () => {
    const byId = verdicts([withResolution(passedResult('m', 'tp4', 'chat', { seed: 7, scale: 1.3 }), fine)], [withResolution(passedResult('m', 'tp4', 'chat', { seed: 1 }), fine)])
    for (const id of ['ttftMs', 'tpotMs', 'e2elMs', 'outputTokensPerS'] as const) expect(byId[id]!.verdict).toBe('regressed')
  })
})

describe('measurementResolution', () => {
  it('takes the p99 bucket edge of the simulator lateness and scales stamp errors by the speed', () => {
    const zero = { events: 0, sumMs: 0, meanMs: 0, maxMs: 0, overOneMs: 0, lateCounts: new Array(11).fill(0), driftMs: 0, shifts: 0, lagMs: 0, atMs: 0 }
    // 1000 events: 990 within 0.1 ms, 10 within 2 ms; 50 ms of a 1000 ms window were shifted away.
    const after = { ...zero, events: 1000, sumMs: 20, meanMs: 0.02, maxMs: 1.8, lateCounts: [990, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0], driftMs: 50, shifts: 1, atMs: 1000 }
    const r = measurementResolution({ speed: 10, clientLoopDelayP99Ms: 0.2, simBefore: zero, simAfter: after })
    expect(r.simLatenessP99Ms).toBe(0.1)
    expect(r.latencyMs).toBeCloseTo(10 * (0.2 + 0.1), 9)
    expect(r.rateShare).toBeCloseTo(0.05, 9)
    expect(lateP99Ms([0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0], 4.2)).toBe(4.2)
  })

  it('is the client loop delay alone against a real server', () => {
    expect(measurementResolution({ speed: 1, clientLoopDelayP99Ms: 0.7 })).toEqual({ latencyMs: 0.7, rateShare: 0, clientLoopDelayP99Ms: 0.7 })
  })
})
