import { describe, expect, it } from 'vitest'
import { updateBaseline } from '../../src/report/baseline.js'
import { diffResults, withKeptResults } from '../../src/report/diff.js'
import { renderDiffText } from '../../src/report/diff-text.js'
import { falsePositiveRate } from '../../src/report/false-positive-rate.js'
import type { Provenance } from '../../src/contracts/results.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-01-01T00:00:00.000Z', git: { commit: 'a'.repeat(40), dirty: false } }
const base = updateBaseline(undefined, [passedResult('m', 'tp4', 'chat', { seed: 1 })], provenance).baseline

describe('diffResults', () => {
  it('flags a 30 % slower run as a regression on every latency, with p-values', () => {
    const diff = diffResults(base, [passedResult('m', 'tp4', 'chat', { seed: 7, scale: 1.3 })])
    expect(diff.hasRegression).toBe(true)
    const byId = Object.fromEntries(diff.entries[0]!.metrics.map((m) => [m.metric, m]))
    for (const id of ['ttftMs', 'tpotMs', 'e2elMs'] as const) {
      expect(byId[id]!.verdict).toBe('regressed')
      expect(byId[id]!.test).toBe('mann-whitney-u')
      expect(byId[id]!.pValue!).toBeLessThan(0.0001)
      expect(byId[id]!.change!).toBeGreaterThan(0.2)
    }
    // Throughput fell by 1/1.3 − 1 = −23 %, corroborated by the E2EL shift.
    expect(byId.outputTokensPerS!.verdict).toBe('regressed')
    expect(byId.outputTokensPerS!.test).toBe('corroborated')
    expect(byId.failedRequests!.verdict).toBe('unchanged')
  })

  it('reports a 30 % faster run as improvements, not regressions', () => {
    const diff = diffResults(base, [passedResult('m', 'tp4', 'chat', { seed: 9, scale: 0.7 })])
    expect(diff.hasRegression).toBe(false)
    expect(diff.counts.improved).toBeGreaterThanOrEqual(4)
  })

  it('needs significance: a large change on 3 samples is inconclusive, not a regression', () => {
    const small = updateBaseline(undefined, [passedResult('m', 'v', 'w', { n: 3, seed: 2 })], provenance).baseline
    const diff = diffResults(small, [passedResult('m', 'v', 'w', { n: 3, seed: 5, scale: 1.25 })])
    const ttft = diff.entries[0]!.metrics.find((m) => m.metric === 'ttftMs')!
    expect(ttft.verdict).toBe('inconclusive')
    expect(diff.hasRegression).toBe(false)
  })

  it('needs the tolerance: a significant 3 % shift on many samples stays unchanged', () => {
    const big = updateBaseline(undefined, [passedResult('m', 'v', 'w', { n: 5000, seed: 2 })], provenance).baseline
    const diff = diffResults(big, [passedResult('m', 'v', 'w', { n: 5000, seed: 3, scale: 1.03 })])
    expect(diff.hasRegression).toBe(false)
    expect(diff.entries[0]!.metrics.find((m) => m.metric === 'ttftMs')!.verdict).toBe('unchanged')
  })

  it('treats failures as a proportion: 20 failed of 220 vs 0 is a regression (Fisher exact)', () => {
    const diff = diffResults(base, [passedResult('m', 'tp4', 'chat', { seed: 1, failed: 20 })])
    const f = diff.entries[0]!.metrics.find((m) => m.metric === 'failedRequests')!
    expect(f).toMatchObject({ verdict: 'regressed', test: 'fisher-exact' })
    expect(f.note).toMatch(/failure rate \+9\.1 pp beyond ±1 pp/)
  })

  it('reports new, missing, failed and target-changed results without failing', () => {
    const other = passedResult('m', 'tp8', 'chat', { target: { kind: 'mlnode', hardware: '8x H100' } })
    const failed = { ...passedResult('m', 'tp2', 'chat'), status: 'failed' as const, failure: { kind: 'deploy' as const, message: 'boom' } }
    const withThree = updateBaseline(base, [passedResult('m', 'tp8', 'chat'), passedResult('m', 'gone', 'chat')], provenance).baseline
    const diff = diffResults(withThree, [other, failed, passedResult('m', 'brand-new', 'chat')])
    const status = Object.fromEntries(diff.entries.map((e) => [e.variant, e.status]))
    expect(status).toEqual({ 'brand-new': 'new', gone: 'missing', tp2: 'failed', tp4: 'missing', tp8: 'target-changed' })
    expect(diff.hasRegression).toBe(false)
    expect(diff.counts).toMatchObject({ new: 1, missing: 2, failed: 1, targetChanged: 1, regressed: 0 })
  })

  it('counts baseline entries a partial run kept (not re-run) apart from the missing ones, and lists only the missing', () => {
    const withThree = updateBaseline(base, [passedResult('m', 'tp8', 'chat'), passedResult('m', 'gone', 'chat')], provenance).baseline
    const diff = diffResults(withThree, [passedResult('m', 'tp4', 'chat')])
    const text = renderDiffText(withKeptResults(diff, [{ model: 'm', variant: 'tp8', workload: 'chat' }]), 'b.json')
    expect(text).toContain('; 0 new, 1 missing, 1 kept from earlier runs (not re-run), 0 failed.')
    expect(text).toContain('  missing from this run: m › gone › chat')
    expect(text).not.toContain('tp8')
    expect(renderDiffText(diff, 'b.json')).toContain('; 0 new, 2 missing, 0 failed.')
  })

  it('a simulator on calibrated constants is another target: its 2× slower figures are not judged', () => {
    const simulated = { kind: 'simulated' as const, hardware: '8xl4', simulatedTime: true }
    const plain = updateBaseline(undefined, [passedResult('m', 'tp4', 'chat', { seed: 1, target: simulated })], provenance).baseline
    const calibrated = passedResult('m', 'tp4', 'chat', { seed: 1, scale: 2, target: { ...simulated, calibration: 'cal/l4.json' } })
    expect(diffResults(plain, [calibrated]).entries[0]).toMatchObject({ status: 'target-changed' })
    expect(diffResults(plain, [passedResult('m', 'tp4', 'chat', { seed: 1, scale: 2, target: simulated })]).hasRegression).toBe(true)
  })

  it('reports no regression and everything new when there is no baseline', () => {
    const diff = diffResults(undefined, [passedResult('m', 'tp4', 'chat', { scale: 2 })])
    expect(diff).toMatchObject({ baselineFound: false, hasRegression: false, counts: { new: 1 } })
  })

  it('honours tolerance and alpha overrides', () => {
    const next = [passedResult('m', 'tp4', 'chat', { seed: 7, scale: 1.3 })]
    expect(diffResults(base, next, { tolerances: { ttftMs: 0.5, tpotMs: 0.5, itlMs: 0.5, e2elMs: 0.5, requestsPerS: 0.5, inputTokensPerS: 0.5, outputTokensPerS: 0.5, totalTokensPerS: 0.5, goodputRequestsPerS: 0.5 } }).hasRegression).toBe(false)
    expect(diffResults(base, next, { alpha: 0 }).hasRegression).toBe(false)
  })
})

describe('falsePositiveRate', () => {
  it('counts regressions between runs of the same distribution (here none) and a real shift', () => {
    const same = [1, 2, 3, 4].map((seed) => [passedResult('m', 'v', 'w', { seed: seed * 11 })])
    const fp = falsePositiveRate(same)
    expect(fp).toMatchObject({ runPairs: 6, regressions: 0, ratePerRunPair: 0 })
    expect(fp.comparisons).toBe(6 * 10)
    const shifted = falsePositiveRate([same[0]!, [passedResult('m', 'v', 'w', { seed: 99, scale: 1.5 })]])
    expect(shifted.regressions).toBeGreaterThan(0)
  })
})
