import { describe, expect, it } from 'vitest'
import { updateBaseline } from '../../src/report/baseline.js'
import { diffResults } from '../../src/report/diff.js'
import type { BenchResult, MeasurementResolution, Provenance, TargetInfo } from '../../src/contracts/results.js'
import { measurementResolution } from '../../src/run/resolution.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-01-01T00:00:00.000Z' }
const real: TargetInfo = { kind: 'mlnode', hardware: '8x NVIDIA H100' }
const withResolution = (r: BenchResult, resolution: MeasurementResolution): BenchResult => ({ ...r, resolution })
const coarse: MeasurementResolution = { stamps: 'client', latencyMs: 60, rateShare: 0.4, clientLoopDelayP99Ms: 60 }
const fine: MeasurementResolution = { stamps: 'client', latencyMs: 0.5, rateShare: 0, clientLoopDelayP99Ms: 0.5 }
const verdicts = (results: BenchResult[], baseline: BenchResult[]) =>
  Object.fromEntries(diffResults(updateBaseline(undefined, baseline, provenance).baseline, results).entries[0]!.metrics.map((m) => [m.metric, m]))

describe('measurement resolution in the gate', () => {
  it('covers every metric: a 30 % slowdown in a run that stalled 40 % of its time is never a regression', () => {
    const byId = verdicts([withResolution(passedResult('m', 'tp4', 'chat', { seed: 7, scale: 1.3, target: real }), coarse)], [withResolution(passedResult('m', 'tp4', 'chat', { seed: 1, target: real }), fine)])
    // E2EL ≈ 2 s: the stamp resolution alone (60 ms, 3 %) would not cover +30 %; the stalls do.
    for (const id of ['ttftMs', 'tpotMs', 'e2elMs', 'outputTokensPerS'] as const) {
      expect(byId[id]!.verdict).toBe('inconclusive')
      expect(byId[id]!.note).toContain('40 % of the run stalled')
    }
  })

  it('judges as before when both runs were precise', () => {
    const byId = verdicts([withResolution(passedResult('m', 'tp4', 'chat', { seed: 7, scale: 1.3, target: real }), fine)], [withResolution(passedResult('m', 'tp4', 'chat', { seed: 1, target: real }), fine)])
    for (const id of ['ttftMs', 'tpotMs', 'e2elMs', 'outputTokensPerS'] as const) expect(byId[id]!.verdict).toBe('regressed')
  })
})

describe('measurementResolution', () => {
  const delay = { p99Ms: 0.7, maxMs: 9, stalledMs: 50, wallMs: 1000 }
  it('is exact with the simulator stamps; the client delay is kept apart', () => {
    expect(measurementResolution({ simulatedTime: true, clientLoopDelay: delay })).toEqual({ stamps: 'simulator', latencyMs: 0, rateShare: 0, clientLoopDelayP99Ms: 0.7 })
  })
  it('is the client loop delay and stalled share with client stamps', () => {
    expect(measurementResolution({ simulatedTime: false, clientLoopDelay: delay })).toEqual({ stamps: 'client', latencyMs: 0.7, rateShare: 0.05, clientLoopDelayP99Ms: 0.7 })
  })
})
