/** A run that accepts its results says so, instead of telling the reader to accept them. */
import { expect, it } from 'vitest'
import type { BaselineStatus } from '../../src/report/baseline-status.js'
import { diffResults } from '../../src/report/diff.js'
import { renderDiffText } from '../../src/report/diff-text.js'
import { passedResult } from '../fixtures/reporters-shared/make-results.js'

const missing: BaselineStatus = { state: 'missing', file: 'benchmarks/baseline.json', required: false, invalid: [] }

it('says the new results are accepted now when the run accepts them', () => {
  const diff = diffResults(undefined, [passedResult('m', 'tp4', 'chat')])
  expect(renderDiffText(diff, 'benchmarks/baseline.json', missing, { accepting: true })).toContain(
    'No baseline yet at benchmarks/baseline.json: 1 result(s) are new, nothing was gated; they are accepted now (MLNODE_BENCH_UPDATE_BASELINE=1).',
  )
  expect(renderDiffText(diff, 'benchmarks/baseline.json', missing, { accepting: true })).not.toContain('Accept them')
  expect(renderDiffText(diff, 'benchmarks/baseline.json', missing)).toContain('Accept them with MLNODE_BENCH_UPDATE_BASELINE=1.')
})
