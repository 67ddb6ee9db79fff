/** The validation line per variant in the comparison, summary.md and JUnit; a variant failing validation is never recommended. */
import { describe, expect, it } from 'vitest'
import type { BenchResult, TargetInfo, ValidationFigures } from '../../src/contracts/results.js'
import { renderComparison } from '../../src/report/comparison.js'
import { diffResults } from '../../src/report/diff.js'
import { renderJUnit } from '../../src/report/junit.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const target: TargetInfo = { kind: 'simulated', hardware: '8xh100', simulatedTime: true }
const figures = (min: number, passed: boolean): ValidationFigures => ({
  mode: 'enforced-tokens', reference: 'tp8', threshold: 0.97, thresholdSource: 'test', probes: 4, compared: 4, minSimilarity: min, medianSimilarity: min + 0.01, belowThresholdShare: passed ? 0 : 1, passed,
  ...(passed ? {} : { firstDifference: { probe: 'probe-1', position: 3, referenceToken: '11', variantToken: '12' } }),
})
const validation = (variant: string, min: number, passed: boolean): BenchResult => ({
  model: 'm', variant, workload: 'validation', file: 'f.bench.ts', status: passed ? 'passed' : 'failed', target, args: [], validation: figures(min, passed),
  ...(passed ? {} : { failure: { kind: 'validation', code: 'MLNB_VALIDATION', message: `m ${variant} fails the network's validation against tp8: similarity min ${min}` } }),
})

// kv is the fastest variant but fails validation.
const results = [passedResult('m', 'tp8', 'w', { seed: 1, scale: 1.5, target }), passedResult('m', 'kv', 'w', { seed: 1, scale: 1, target }), validation('tp8', 1, true), validation('kv', 0.83, false)]

describe('validation in the reports', () => {
  it('comparison: a validation line per variant, and the fastest variant is not recommended when it fails validation', () => {
    const text = renderComparison(results)
    expect(text).toContain('m · inference validation')
    expect(text).toMatch(/✓ tp8: similarity min 1\.0000 median 1\.0100, 0 % ≤ 0\.97 \(simulated\) \[enforced-tokens\] vs tp8/)
    expect(text).toMatch(/✗ kv: similarity min 0\.8300 .* — FAILS validation/)
    expect(text).toContain('kv (FAILS VALIDATION)')
    expect(text).toMatch(/Recommendation: tp8 — .*\(the only variant that served every request\)/)
    // Without the validation results the faster one would win.
    expect(renderComparison(results.slice(0, 2))).toMatch(/Recommendation: kv — /)
  })

  it('summary.md: an inference validation table; validation entries stay out of the metric tables', () => {
    const md = renderMarkdown(diffResults(undefined, results))
    expect(md).toContain('### Inference validation')
    expect(md).toContain('| m | kv | 0.8300 (sim) | 0.8400 (sim) | 100 % of 4 | 0.97 | enforced-tokens | tp8 | probe-1 @3: 11 → 12 | ❌ fails validation |')
    expect(md).toContain('| m | tp8 | 1.0000 (sim) |')
    expect(md).not.toContain('### m — validation')
  })

  it('JUnit: validation properties and a "validation" failure', () => {
    const xml = renderJUnit(results)
    expect(xml).toContain('<property name="simulated_validation_similarity_min" value="0.830000"/>')
    expect(xml).toContain('<property name="validation_threshold" value="0.97"/>')
    expect(xml).toContain('<property name="validation_first_difference" value="probe-1 position 3: 11 vs 12"/>')
    expect(xml).toContain(`<failure message="Validation failed: m kv (workload validation): m kv fails the network's validation against tp8: similarity min 0.83" type="validation">`)
  })
})
