/**
 * A sweep's steps folded into its result: each step passes when the share of its requests meeting
 * the SLO reaches the attainment; the capacity at SLO is the highest passing load, bracketed by
 * the lowest failing load above it (docs/metrics.md "Capacity at SLO"). Pure.
 */
import type { Slo, WorkloadMetrics } from '../contracts/records.js'
import type { SweepResult, SweepStepResult } from '../contracts/results.js'
import type { SweepSpec } from '../contracts/workload.js'
import { DEFAULT_ATTAINMENT, DEFAULT_STOP_AFTER_FAILED_STEPS } from './spec.js'

/** Share of a step's requests that met the SLO; failed requests never do. 0 when nothing was sent. */
export function goodShare(m: WorkloadMetrics): number {
  if (m.requests.total === 0) return 0
  // goodput = good requests / duration (src/metrics/summarize.ts): the count back, rounded against float error.
  const good = Math.round((m.goodputRequestsPerS ?? 0) * m.durationS)
  return Math.min(1, good / m.requests.total)
}

/** A measured step's state: passed when its good share reaches the attainment. */
export function measuredStep(load: number, metrics: WorkloadMetrics, attainment: number, wallS?: number): SweepStepResult {
  const share = goodShare(metrics)
  return { load, state: share >= attainment ? 'passed' : 'failed', goodShare: share, metrics, ...(wallS === undefined ? {} : { wallS }) }
}

/** True when the last `stopAfter` measured steps all failed: the SLO is broken for good. */
export function sloBrokenForGood(steps: readonly SweepStepResult[], stopAfter: number): boolean {
  const measured = steps.filter((s) => s.state !== 'skipped')
  return measured.length >= stopAfter && measured.slice(-stopAfter).every((s) => s.state === 'failed')
}

/** The capacity at SLO and its bracket from the steps measured (skipped ones say nothing). */
export function capacityAtSlo(steps: readonly SweepStepResult[], unit: SweepResult['unit']): SweepResult['capacityAtSlo'] {
  const passed = steps.filter((s) => s.state === 'passed').map((s) => s.load)
  const lastPass = passed.length ? Math.max(...passed) : null
  const failedAbove = steps.filter((s) => s.state === 'failed' && (lastPass === null || s.load > lastPass)).map((s) => s.load)
  const firstFail = failedAbove.length ? Math.min(...failedAbove) : null
  return { value: lastPass ?? 0, bracket: [lastPass, firstFail], unit }
}

/** The sweep's result from its steps (planned ones not measured are 'skipped'). */
export function foldSweep(sweep: SweepSpec, slo: Slo, steps: readonly SweepStepResult[], stopped?: SweepResult['stopped']): SweepResult {
  const unit = sweep.over === 'rate' ? 'req/s' : 'concurrency'
  return {
    over: sweep.over,
    unit,
    ...(sweep.search ? { search: true } : {}),
    slo,
    attainment: sweep.attainment ?? DEFAULT_ATTAINMENT,
    steps: [...steps].sort((a, b) => a.load - b.load),
    capacityAtSlo: capacityAtSlo(steps, unit),
    ...(stopped ? { stopped } : {}),
  }
}

export const stopAfterOf = (sweep: SweepSpec): number => sweep.stopAfterFailedSteps ?? DEFAULT_STOP_AFTER_FAILED_STEPS

/** Requests of every measured step (what the baseline entry of a sweep counts). */
export function sweepRequests(sweep: SweepResult): { total: number; completed: number; failed: number } {
  const sum = (f: (m: WorkloadMetrics) => number) => sweep.steps.reduce((t, s) => t + (s.metrics ? f(s.metrics) : 0), 0)
  return { total: sum((m) => m.requests.total), completed: sum((m) => m.requests.completed), failed: sum((m) => m.requests.failed) }
}

/** Measured time of every step, seconds. */
export function sweepDurationS(sweep: SweepResult): number {
  return sweep.steps.reduce((t, s) => t + (s.metrics?.durationS ?? 0), 0)
}
