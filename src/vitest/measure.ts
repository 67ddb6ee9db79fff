/**
 * One workload against one deployed variant: run the load, convert simulated time, summarize.
 * Request failures are data; the workload fails (throws) only when more than `maxFailureRate`
 * of its requests failed, after its metrics are recorded.
 */
import { MlnodeBenchError } from '../errors.js'
import { runWorkload } from '../load/index.js'
import type { WorkloadSpec } from '../load/types.js'
import { summarize } from '../metrics/index.js'
import type { Slo, WorkloadMetrics } from '../metrics/types.js'
import { toSimulatedTime } from './simulated-time.js'

export interface MeasureInput {
  spec: WorkloadSpec
  inferenceUrl: string
  model: string
  /** Simulator speed-up (1 for a real server). */
  speed: number
  slo?: Slo
  timeoutS: number
}

export interface Measured {
  metrics: WorkloadMetrics
  /** The first few distinct failure messages, to show with the counts. */
  failureSamples: string[]
}

/**
 * The workload in wall-clock terms for a server running `speed` times faster than real time:
 * arrival rates rise by `speed`, durations and timeouts shrink by it, so that the simulated
 * server sees the load the spec describes in its own (simulated) seconds.
 */
export function toWallClockSpec(spec: WorkloadSpec, speed: number): WorkloadSpec {
  if (speed === 1) return spec
  const shrink = (s: number | undefined) => (s === undefined ? {} : { value: s / speed })
  const out: WorkloadSpec = { ...spec }
  if (spec.arrival) out.arrival = { ...spec.arrival, ratePerS: spec.arrival.ratePerS * speed }
  const durationS = shrink(spec.durationS)
  if ('value' in durationS) out.durationS = durationS.value
  const requestTimeoutS = shrink(spec.requestTimeoutS)
  if ('value' in requestTimeoutS) out.requestTimeoutS = requestTimeoutS.value
  const idleTimeoutS = shrink(spec.idleTimeoutS)
  if ('value' in idleTimeoutS) out.idleTimeoutS = idleTimeoutS.value
  return out
}

export async function measureWorkload(input: MeasureInput): Promise<Measured> {
  const run = await runWorkload({ baseUrl: input.inferenceUrl, model: input.model }, toWallClockSpec(input.spec, input.speed), {
    signal: AbortSignal.timeout(input.timeoutS * 1000),
  })
  const slo = input.spec.slo ?? input.slo
  const failureSamples = [...new Set(run.records.flatMap((r) => (r.failure && !r.warmup ? [`${r.failure.reason}: ${r.failure.message}`] : [])))].slice(0, 3)
  const metrics = summarize(
    {
      records: toSimulatedTime(run.records, input.speed),
      startedAtMs: run.startedAtMs * input.speed,
      endedAtMs: run.endedAtMs * input.speed,
    },
    slo ? { slo } : {},
  )
  return { metrics, failureSamples }
}

/** The workload's verdict: an error when too many requests failed, naming counts and reasons. */
export function failureRateError({ metrics, failureSamples }: Measured, maxFailureRate: number, subject: string): MlnodeBenchError | undefined {
  const { total, failed, failuresByReason } = metrics.requests
  if (total === 0) return new MlnodeBenchError('MLNB_LOAD', `${subject}: no request was sent (duration bound too short?)`)
  if (failed / total <= maxFailureRate) return undefined
  const reasons = Object.entries(failuresByReason).map(([reason, n]) => `${reason} x${n}`).join(', ')
  return new MlnodeBenchError('MLNB_LOAD', `${subject}: ${failed} of ${total} requests failed (${reasons}); allowed fraction ${maxFailureRate}${failureSamples.map((m) => `\n  ${m}`).join('')}`, {
    details: { failed, total, failuresByReason },
  })
}
