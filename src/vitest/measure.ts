/**
 * One workload against one deployed variant: run the load, convert simulated time, summarize.
 * Request failures are data; the workload fails (throws) only when more than `maxFailureRate`
 * of its requests failed, after its metrics are recorded.
 */
import { MlnodeBenchError } from '../errors.js'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { request } from 'undici'
import { runWorkload } from '../load/index.js'
import type { WorkloadSpec } from '../load/types.js'
import { summarize } from '../metrics/index.js'
import type { Slo, WorkloadMetrics } from '../metrics/types.js'
import { toSimulatedMs, toSimulatedTime } from './simulated-time.js'

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
  /** ε kept unscaled when mapping a sped-up simulator's times back (0 against a real server). */
  transportMs: number
  /**
   * How late the client's event loop ran during the workload (real ms): a stamp taken in a late
   * callback is late by as much, so this bounds the client's own timing error.
   */
  clientLoopDelay: { p99Ms: number; maxMs: number }
}

/**
 * The workload in wall-clock terms for a server running `speed` times faster than real time:
 * arrival rates rise by `speed`, durations and timeouts shrink by it, so that the simulated
 * server sees the load the spec describes in its own (simulated) seconds.
 */
export function toWallClockSpec(spec: WorkloadSpec, speed: number): WorkloadSpec {
  if (speed === 1) return spec
  const out: WorkloadSpec = { ...spec }
  if (spec.arrival) out.arrival = { ...spec.arrival, ratePerS: spec.arrival.ratePerS * speed }
  for (const key of ['durationS', 'requestTimeoutS', 'idleTimeoutS'] as const) {
    const seconds = spec[key]
    if (seconds !== undefined) out[key] = seconds / speed
  }
  return out
}

/**
 * The transport's share of a request (ε): the median round trip of a trivial request to the
 * same server (GET /v1/models answers at once, also from the simulator).
 */
export async function measureTransportMs(baseUrl: string, samples = 7): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now()
    const res = await request(`${baseUrl}/v1/models`, { headersTimeout: 10_000, bodyTimeout: 10_000 })
    await res.body.text()
    times.push(performance.now() - t0)
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!
}

export async function measureWorkload(input: MeasureInput): Promise<Measured> {
  const transportMs = input.speed === 1 ? 0 : await measureTransportMs(input.inferenceUrl)
  const loopDelay = monitorEventLoopDelay({ resolution: 1 })
  loopDelay.enable()
  const run = await runWorkload({ baseUrl: input.inferenceUrl, model: input.model }, toWallClockSpec(input.spec, input.speed), {
    signal: AbortSignal.timeout(input.timeoutS * 1000),
  })
  loopDelay.disable()
  // The histogram counts the 1 ms sampling interval itself: subtract it (ns → ms).
  const clientLoopDelay = { p99Ms: Math.max(0, loopDelay.percentile(99) / 1e6 - 1), maxMs: Math.max(0, loopDelay.max / 1e6 - 1) }
  const slo = input.spec.slo ?? input.slo
  const failureSamples = [...new Set(run.records.flatMap((r) => (r.failure && !r.warmup ? [`${r.failure.reason}: ${r.failure.message}`] : [])))].slice(0, 3)
  const metrics = summarize(
    {
      records: toSimulatedTime(run.records, input.speed, transportMs),
      startedAtMs: toSimulatedMs(run.startedAtMs, input.speed),
      endedAtMs: toSimulatedMs(run.endedAtMs, input.speed),
    },
    slo ? { slo } : {},
  )
  return { metrics, failureSamples, transportMs, clientLoopDelay }
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
