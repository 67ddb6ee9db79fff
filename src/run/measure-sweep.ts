/**
 * A sweep against a deployed variant: every step measured by measureWorkload like any workload
 * (its own histograms, bounded by workloadTimeoutS, progress lines), folded by runSweepSteps.
 * Failed requests at a high load are data (they miss the SLO); failures beyond maxFailureRate at
 * the LOWEST load say the server is broken, not overloaded, and fail the bench (after the sweep
 * is recorded).
 */
import type { MlnodeBenchError } from '../errors.js'
import type { SweepResult } from '../contracts/results.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { failureRateError, measureWorkload } from './measure.js'
import type { RunEvents } from './events.js'
import type { ClientLoopDelay } from './resolution.js'
import type { ResolvedDeploymentSuiteOptions } from './suite-options.js'
import { sweepRequests } from '../sweep/fold.js'
import { runSweepSteps } from '../sweep/run-steps.js'
import { sweepSlo } from '../sweep/spec.js'

export interface SweepMeasureInput {
  spec: WorkloadSpec
  suite: Pick<ResolvedDeploymentSuiteOptions, 'model' | 'slo' | 'workloadTimeoutS' | 'maxFailureRate'>
  /** "model variant workload", for errors. */
  subject: string
  /** "[model variant] workload", for progress lines. */
  label: string
  inferenceUrl: string
  headers?: Record<string, string>
  simulatedTime: boolean
  /** Where each step's progress and the sweep's step lines are told (src/run/events.ts). @default untold */
  events?: RunEvents
  /** After each step: the sweep so far, the requests measured and planned. */
  onStep?: (sweep: SweepResult, settled: number, planned: number) => void
}

export interface SweepMeasured {
  sweep: SweepResult
  /** The worst client event-loop delay over all steps (undefined when no step ran). */
  clientLoopDelay?: ClientLoopDelay
  loadWorkers: number
  failure?: MlnodeBenchError
}

export async function measureSweep(input: SweepMeasureInput): Promise<SweepMeasured> {
  const slo = sweepSlo(input.spec, input.suite.slo, input.subject)
  let clientLoopDelay: ClientLoopDelay | undefined
  let loadWorkers = 0
  let failure: MlnodeBenchError | undefined
  const sweep = await runSweepSteps({
    spec: input.spec,
    slo,
    label: input.label,
    print: (line) => input.events?.emit('note', { text: line }),
    // A partial result counts requests, as a workload's does: those of the steps measured, of all planned.
    ...(input.onStep ? { onStep: (s: SweepResult) => input.onStep!(s, sweepRequests(s).total, input.spec.requests * input.spec.sweep!.steps) } : {}),
    measure: async (step, _load, index) => {
      const measured = await measureWorkload({
        spec: step,
        inferenceUrl: input.inferenceUrl,
        model: input.suite.model,
        ...(input.headers ? { headers: input.headers } : {}),
        simulatedTime: input.simulatedTime,
        timeoutS: input.suite.workloadTimeoutS,
        ...(input.events ? { events: input.events } : {}),
        label: `${input.label} @ ${step.name.slice(input.spec.name.length + 3)}`,
        maxFailureRate: input.suite.maxFailureRate,
        slo,
      })
      const d = measured.clientLoopDelay
      clientLoopDelay = clientLoopDelay
        ? { p99Ms: Math.max(clientLoopDelay.p99Ms, d.p99Ms), maxMs: Math.max(clientLoopDelay.maxMs, d.maxMs), stalledMs: clientLoopDelay.stalledMs + d.stalledMs, wallMs: clientLoopDelay.wallMs + d.wallMs }
        : d
      loadWorkers = Math.max(loadWorkers, measured.loadWorkers)
      if (index === 0) failure = failureRateError(measured, input.suite.maxFailureRate, `${input.subject} (its lowest load, ${step.name})`)
      return measured.metrics
    },
  })
  return { sweep, ...(clientLoopDelay ? { clientLoopDelay } : {}), loadWorkers, ...(failure ? { failure } : {}) }
}
