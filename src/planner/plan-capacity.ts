/**
 * `plan --objective capacity`: each candidate's capacity at SLO, predicted by sweeping every
 * workload on the performance model (the same loop and fold as a suite's sweep); the score is the
 * geometric mean over the workloads, as plan's other objectives are.
 */
import type { Slo } from '../contracts/records.js'
import type { SweepSpec, WorkloadSpec } from '../contracts/workload.js'
import type { ModelInstance } from '../model/index.js'
import { predictWorkloads, workloadOf } from './predict-core.js'
import { runSweepStepsSync } from '../sweep/run-steps.js'
import { validateSweep } from '../sweep/spec.js'

/**
 * A plan workload as the sweep's base: a rate sweep makes a closed-loop workload open loop, its
 * concurrency kept as the cap on requests in flight; a concurrency sweep sets the closed loop's.
 */
export function sweptWorkload(spec: WorkloadSpec, sweep: SweepSpec, slo: Slo): WorkloadSpec {
  const { concurrency, arrival, ...rest } = spec
  const base: WorkloadSpec =
    sweep.over === 'rate'
      ? { ...rest, arrival: { ...arrival, ratePerS: sweep.from, ...(concurrency === undefined ? {} : { maxConcurrency: arrival?.maxConcurrency ?? concurrency }) } }
      : { ...rest }
  const swept = { ...base, slo, sweep }
  validateSweep(swept, '--sweep')
  return swept
}

/** The capacity score of one candidate: geometric mean of each workload's capacity at SLO (0 stays ~0). */
export function capacityScore(plan: ModelInstance, instances: number, workloads: ReadonlyArray<{ spec: WorkloadSpec; promptTokens: number }>, slo: Slo): number {
  const capacities = workloads.map(({ spec, promptTokens }) =>
    runSweepStepsSync({
      spec,
      slo,
      measure: (step) => predictWorkloads({ plan, instances, workloads: [workloadOf(step, promptTokens)], slo })[0]!.metrics,
    }).capacityAtSlo.value,
  )
  return Math.exp(capacities.reduce((s, c) => s + Math.log(Math.max(c, 1e-9)), 0) / Math.max(1, capacities.length))
}
