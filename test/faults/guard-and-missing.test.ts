/**
 * Two things a real run printed wrongly: a suite refused by the arg guard showed an "(all
 * variants):" line with only the header of its list, and a real run listed every simulated-only
 * baseline entry as "missing from this run" (a real run is not expected to re-measure those).
 */
import { expect, it } from 'vitest'
import type { BenchResult } from '../../src/contracts/results.js'
import { renderComparison } from '../../src/report/comparison.js'
import { diffResults } from '../../src/report/diff.js'
import { renderDiffText } from '../../src/report/diff-text.js'
import { updateBaseline } from '../../src/report/baseline.js'
import { passedResult, SIMULATED } from '../fixtures/reporters-shared/make-results.js'

const REAL = { kind: 'mlnode' as const, hardware: '8x NVIDIA H100' }

it('a suite refused at collection is told whole: its list right under its header, no bare "(all variants):"', () => {
  const refused: BenchResult = {
    model: 'Qwen/QwQ-32B',
    variant: '(all variants)',
    workload: '(suite collection)',
    file: 'benchmarks/q.bench.ts',
    status: 'failed',
    failure: { kind: 'guard', code: 'MLNB_ARGS_GUARD', message: 'benchmarks/q.bench.ts: 2 problem(s) in the variants of Qwen/QwQ-32B; nothing was deployed:\n- variant "a": drops --quantization fp8\n- variant "b": adds --seed 1' },
    target: { kind: 'mlnode', hardware: 'unknown' },
    args: [],
  }
  const text = renderComparison([refused])
  expect(text).not.toMatch(/\(all variants\):/)
  expect(text).toContain('  ✗ benchmarks/q.bench.ts: 2 problem(s) in the variants of Qwen/QwQ-32B; nothing was deployed:\n    - variant "a": drops --quantization fp8\n    - variant "b": adds --seed 1')
})

it('a real run does not list the simulated-only baseline entries as missing; a simulated run still does', () => {
  const simulated = passedResult('m', 'sim-only', 'w', { target: SIMULATED })
  const baseline = updateBaseline(undefined, [simulated, passedResult('m', 'real', 'w', { target: REAL })], { tool: { name: 'mlnode-bench', version: '0' }, date: '2026-01-01T00:00:00.000Z' }).baseline
  const realRun = [passedResult('m', 'real', 'w', { target: REAL })]
  const diff = diffResults(baseline, realRun)
  expect(diff.entries.filter((e) => e.status === 'missing')).toEqual([])
  expect(renderDiffText(diff, 'baseline.json')).not.toMatch(/missing from this run/)
  const simRun = [passedResult('m', 'other', 'w', { target: SIMULATED })]
  expect(diffResults(baseline, simRun).entries.filter((e) => e.status === 'missing').map((e) => e.variant)).toEqual(['real', 'sim-only'])
})
