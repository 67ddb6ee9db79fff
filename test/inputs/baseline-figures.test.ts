/** A baseline entry with a negative figure is set aside as invalid (named), never judged against. */
import { describe, expect, it } from 'vitest'
import type { Provenance } from '../../src/contracts/results.js'
import { checkBaseline, updateBaseline } from '../../src/report/baseline.js'
import { diffResults } from '../../src/report/diff.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const provenance: Provenance = { tool: { name: 'mlnode-bench', version: '0.1.0' }, date: '2025-02-01T00:00:00.000Z' }

describe('baseline figures', () => {
  it('sets aside an entry whose TTFT median is negative, naming the field and value', () => {
    const file = updateBaseline(undefined, [passedResult('m', 'tp4', 'chat', { seed: 1 }), passedResult('m', 'tp8', 'chat', { seed: 2 })], provenance).baseline as Record<string, any>
    file.results.m.tp4.chat.metrics.ttftMs.value = -120
    const { baseline, invalid } = checkBaseline(JSON.stringify(file), 'benchmarks/baseline.json')
    expect(invalid.map((e) => e.message)).toEqual(['benchmarks/baseline.json: results.m.tp4.chat: metrics.ttftMs.value must be ≥ 0, got -120'])
    // The other entry still gates; the bad one is not in the baseline the diff judges against.
    expect(Object.keys(baseline.results.m!)).toEqual(['tp8'])
    const diff = diffResults(baseline, [passedResult('m', 'tp4', 'chat', { seed: 3 })])
    expect(diff.counts.improved).toBe(0)
    expect(diff.entries.find((e) => e.variant === 'tp4')?.status).toBe('new')
  })

  it('names a negative figure in the distribution and the history', () => {
    const file = updateBaseline(undefined, [passedResult('m', 'tp4', 'chat', { seed: 1 })], provenance).baseline as Record<string, any>
    file.results.m.tp4.chat.metrics.e2elMs.distribution.p99Ms = -1
    file.results.m.tp4.chat.history = { requestsPerS: [1.5, -2] }
    const { invalid } = checkBaseline(JSON.stringify(file), 'b.json')
    expect(invalid[0]!.problems).toEqual(['metrics.e2elMs.distribution.p99Ms must be ≥ 0, got -1', 'history.requestsPerS[1] must be ≥ 0, got -2'])
  })

  it('accepts the well-formed baseline', () => {
    const file = updateBaseline(undefined, [passedResult('m', 'tp4', 'chat', { seed: 1 })], provenance).baseline
    expect(checkBaseline(JSON.stringify(file), 'b.json').invalid).toEqual([])
  })
})
