/** Sweep results for report tests: a rate sweep 2..(1+n) req/s whose step i keeps good[i] of 20 requests within a TTFT SLO. */
import type { BenchResult, SweepResult, TargetInfo } from '../../src/contracts/results.js'
import { foldSweep, measuredStep } from '../../src/sweep/fold.js'
import { makeMetrics } from '../fixtures/reporters-shared/make-results.js'

export function sweepOf(good: readonly number[]): SweepResult {
  const steps = good.map((g, i) => measuredStep(2 + i, makeMetrics({ ttftMs: Array(20).fill(100 * (i + 1)), tpotMs: Array(20).fill(10), e2elMs: Array(20).fill(1000), goodRequests: g }), 0.9, 1))
  return foldSweep({ over: 'rate', from: 2, to: 1 + good.length, steps: good.length }, { ttftMs: 500 }, steps)
}

export function sweepResult(model: string, variant: string, good: readonly number[], target: TargetInfo, workload = 'capacity'): BenchResult {
  return { model, variant, workload, file: 'benchmarks/x.bench.ts', status: 'passed', target, args: ['-tp', '1'], deployS: 45, sweep: sweepOf(good) }
}
