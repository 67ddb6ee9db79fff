import { describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import { baselineFromHistory, parseHistoryBaselineSpec } from '../../src/history/baseline-from-history.js'
import type { HistoryRun } from '../../src/history/store.js'
import { summaryFromHistogram, mergeHistograms } from '../../src/metrics/histogram.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2026-01-01T00:00:00.000Z' }
const run = (seq: number, scale: number): HistoryRun => ({
  seq, runId: `r${seq}`, source: 'mlnode-bench', date: `2026-01-0${seq}T00:00:00.000Z`, results: 1, passed: 1, simulated: true, provenance,
  entries: [passedResult('m', 'tp4', 'chat', { scale, seed: seq })],
})

describe('baseline from history', () => {
  it('parses branch[:runs]; a git branch has no colon, so what follows one is the number of runs', () => {
    expect(parseHistoryBaselineSpec('main:5')).toEqual({ branch: 'main', runs: 5 })
    expect(parseHistoryBaselineSpec('main')).toEqual({ branch: 'main', runs: 5 })
    expect(parseHistoryBaselineSpec('feature/x-1.2:3')).toEqual({ branch: 'feature/x-1.2', runs: 3 })
    for (const bad of ['main:0', ':3', '', 'main:abc', 'release:v2:3', 'a..b', '-main'])
      expect(() => parseHistoryBaselineSpec(bad)).toThrow(/--baseline-from-history must be <branch>\[:<runs ≥ 1>\]/)
  })

  it('merges the latency histograms, takes the median of one-number figures and keeps the runs as history', () => {
    const runs = [run(3, 1.2), run(2, 1.0), run(1, 1.1)] // newest first, as the store lists them
    const entry = baselineFromHistory(runs, 'h').results.m!.tp4!.chat!
    const hist = runs.map((r) => r.entries[0]!.metrics!.e2elMs.histogram)
    expect(entry.metrics.e2elMs!.distribution).toEqual(summaryFromHistogram(mergeHistograms(hist)))
    const rps = runs.map((r) => r.entries[0]!.metrics!.requestsPerS).sort((a, b) => a - b)
    expect(entry.metrics.requestsPerS!.value).toBe(rps[1])
    // Oldest first: run 1, 2, 3.
    expect(entry.history!.requestsPerS).toEqual([...runs].reverse().map((r) => r.entries[0]!.metrics!.requestsPerS))
    expect(entry.requests.total).toBe(600)
  })

  it("takes a latency figure as the median of the runs' exact medians, not the merged histogram's bucket", () => {
    // 20 requests: the exact median interpolates between the 10th and 11th value, the histogram's
    // is one of them; identical runs must give the figure they measured, or the gate flags itself.
    const small = (seq: number): HistoryRun => ({ ...run(seq, 1), entries: [passedResult('m', 'tp4', 'chat', { seed: 7, n: 20 })] })
    const runs = [small(2), small(1)]
    const entry = baselineFromHistory(runs, 'h').results.m!.tp4!.chat!
    const measured = runs[0]!.entries[0]!.metrics!.ttftMs.medianMs
    expect(entry.metrics.ttftMs!.distribution!.medianMs).not.toBe(measured)
    expect(entry.metrics.ttftMs!.value).toBe(measured)
  })

  it('is MLNB_BASELINE_MISSING when no stored run passed anything', () => {
    let error: unknown
    try {
      baselineFromHistory([], 'history h.sqlite (last 5 runs on main)')
    } catch (e) {
      error = e
    }
    expect(hasCode(error, 'MLNB_BASELINE_MISSING')).toBe(true)
  })
})
