/**
 * One workload against one deployed variant: run the load, summarize. Against a simulator on
 * simulated time, the records carry the simulator's own stamps (src/protocol/sim-sync.ts).
 * Request failures are data; the workload fails (throws) only when more than `maxFailureRate`
 * of its requests failed, after its metrics are recorded.
 */
import { MlnodeBenchError } from '../errors.js'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { runWorkload } from '../load/index.js'
import { loadWorkersFromEnv } from '../load/worker-count.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { summarize } from '../metrics/index.js'
import type { Slo, WorkloadMetrics } from '../contracts/records.js'
import type { RequestRecord } from '../contracts/records.js'
import type { RunEvents } from './events.js'
import type { ClientLoopDelay } from './resolution.js'

export interface MeasureInput {
  spec: WorkloadSpec
  inferenceUrl: string
  model: string
  /** Extra request headers (the API key of an OpenAI target); never printed. */
  headers?: Record<string, string>
  /** The target is a simulator on simulated time: its stamps replace the client's. */
  simulatedTime: boolean
  slo?: Slo
  timeoutS: number
  /**
   * Where the workload's start, requests and end are told (events.ts; the console's progress
   * lines subscribe), named by `label` ("[model variant] workload"). @default untold
   */
  events?: RunEvents
  label?: string
  /**
   * Stop early once the workload can no longer pass: more than this fraction of ALL its requests
   * already failed (and at least STOP_AFTER_FAILURES of them), like k6's abortOnFail, instead of
   * waiting out every timeout of a broken server. What was measured is kept. @default never
   */
  maxFailureRate?: number
  /**
   * Called every `partialIntervalMs` while the workload runs with the metrics of the requests
   * measured so far: kept as a partial result should the run be interrupted (src/run/interrupt.ts).
   */
  onPartial?: (metrics: WorkloadMetrics, settled: number, planned: number) => void
  /** @default 1000 */
  partialIntervalMs?: number
}

/** Failures seen before an early stop: one failed request is an incident, a few are a pattern. */
export const STOP_AFTER_FAILURES = 3

export interface Measured {
  metrics: WorkloadMetrics
  /** The first few distinct failure messages, to show with the counts. */
  failureSamples: string[]
  /**
   * How late the client's event loop ran during the workload (real ms): a stamp taken in a late
   * callback is late by as much, so this bounds the client's own timing error.
   */
  clientLoopDelay: ClientLoopDelay
  /** Worker threads that took the stamps (0: the main thread; src/load/worker-count.ts). */
  loadWorkers: number
  /** Set when the workload hit its bound (workloadTimeoutS): requests still open then were aborted. */
  timedOutAfterS?: number
  /** Set when the workload was stopped early: requests settled and failed by then, of `planned`. */
  stoppedEarly?: { settled: number; failed: number; planned: number }
}

export async function measureWorkload(input: MeasureInput): Promise<Measured> {
  const loopDelay = monitorEventLoopDelay({ resolution: 1 })
  const startMs = performance.now()
  loopDelay.enable()
  const label = input.label ?? input.spec.name
  const events = input.events
  events?.emit('workload-started', { label, planned: input.spec.requests })
  const stop = new AbortController()
  // Set by the workload's own timer below.
  let timedOut = false
  let settled = 0
  let failed = 0
  let stoppedEarly: Measured['stoppedEarly']
  const measured: RequestRecord[] = []
  let measuredStartMs: number | undefined
  const onRequestDone = (r: RequestRecord): void => {
    if (!r.warmup) {
      measured.push(r)
      measuredStartMs = Math.min(measuredStartMs ?? r.scheduledAtMs, r.scheduledAtMs)
    }
    events?.emit('request-settled', { label, record: r })
    // Requests the time bound cut are not the server's failures: they must not read as an early stop.
    if (r.warmup || stoppedEarly || (timedOut && r.failure?.reason === 'aborted')) return
    settled++
    if (r.failure) failed++
    const limit = input.maxFailureRate
    if (limit !== undefined && failed >= STOP_AFTER_FAILURES && failed > limit * input.spec.requests) {
      stoppedEarly = { settled, failed, planned: input.spec.requests }
      stop.abort()
    }
  }
  // Not AbortSignal.any([AbortSignal.timeout(…)]): on Node 20 the combined signal can be garbage
  // collected with its timeout before it fires, and the workload then never ends (seen at 20 s).
  // A plain timer, referenced until cleared, cannot be lost.
  const partialTimer =
    input.onPartial === undefined
      ? undefined
      : setInterval(() => {
          if (measured.length === 0) return
          const endedAtMs = measured.reduce((latest, r) => Math.max(latest, r.endAtMs), 0)
          input.onPartial!(summarize({ records: measured, startedAtMs: measuredStartMs ?? 0, endedAtMs }), measured.length, input.spec.requests)
        }, input.partialIntervalMs ?? 1000)
  const timer = setTimeout(() => {
    timedOut = true
    stop.abort()
  }, input.timeoutS * 1000)
  const run = await runWorkload({ baseUrl: input.inferenceUrl, model: input.model, ...(input.headers ? { headers: input.headers } : {}) }, input.spec, {
    signal: stop.signal,
    simulatedTime: input.simulatedTime,
    workers: loadWorkersFromEnv(),
    onRequestSent: (index, warmup) => events?.emit('request-sent', { label, index, warmup }),
    onRequestDone,
  }).finally(() => {
    clearTimeout(timer)
    clearInterval(partialTimer)
    events?.emit('workload-finished', { label })
  })
  loopDelay.disable()
  // The histogram counts the 1 ms sampling interval itself: subtract it (ns → ms).
  const beyondMs = (ns: number) => Math.max(0, ns / 1e6 - 1)
  const wallMs = performance.now() - startMs
  // With worker threads the stamps were taken on their loops: their delay is the one that counts.
  const clientLoopDelay: ClientLoopDelay = run.workerLoopDelay
    ? { ...run.workerLoopDelay, wallMs }
    : { p99Ms: beyondMs(loopDelay.percentile(99)), maxMs: beyondMs(loopDelay.max), stalledMs: loopDelay.count * beyondMs(loopDelay.mean), wallMs }
  const slo = input.spec.slo ?? input.slo
  const failureSamples = [...new Set(run.records.flatMap((r) => (r.failure && !r.warmup ? [`${r.failure.reason}: ${r.failure.message}`] : [])))].slice(0, 3)
  // After an early stop, the requests we aborted (never sent, or cut in flight) are not the server's failures.
  const records = stoppedEarly ? run.records.filter((r) => r.failure?.reason !== 'aborted') : run.records
  const metrics = summarize({ records, startedAtMs: run.startedAtMs, endedAtMs: run.endedAtMs }, slo ? { slo } : {})
  return { metrics, failureSamples, clientLoopDelay, loadWorkers: run.workers ?? 0, ...(stoppedEarly ? { stoppedEarly } : {}), ...(timedOut && !stoppedEarly ? { timedOutAfterS: input.timeoutS } : {}) }
}

/** The workload's verdict: an error when too many requests failed, naming counts and reasons. */
export function failureRateError({ metrics, failureSamples, stoppedEarly, timedOutAfterS }: Measured, maxFailureRate: number, subject: string): MlnodeBenchError | undefined {
  const { total, failed, failuresByReason } = metrics.requests
  if (timedOutAfterS !== undefined && (total === 0 || failed / total > maxFailureRate)) {
    const aborted = failuresByReason.aborted ?? 0
    const others = Object.entries(failuresByReason).filter(([reason]) => reason !== 'aborted').map(([reason, n]) => `, ${reason} x${n}`).join('')
    return new MlnodeBenchError(
      'MLNB_LOAD',
      `${subject}: the workload timed out after ${timedOutAfterS} s (workloadTimeoutS): ${aborted} of ${total} requests were unfinished and recorded as aborted${others}; allowed fraction ${maxFailureRate}. Raise workloadTimeoutS or make the workload shorter.`,
      { details: { failed, total, failuresByReason, timedOutAfterS } },
    )
  }
  if (stoppedEarly) {
    const reasons = Object.entries(failuresByReason).map(([reason, n]) => `${reason} x${n}`).join(', ')
    return new MlnodeBenchError('MLNB_LOAD_STOPPED', `${subject}: stopped early: ${stoppedEarly.failed} of the first ${stoppedEarly.settled} requests failed (${reasons}), more than the allowed fraction ${maxFailureRate} of all ${stoppedEarly.planned}; the rest were not sent${failureSamples.filter((m) => !m.startsWith('aborted')).map((m) => `\n  ${m}`).join('')}`, {
      details: { ...stoppedEarly, failuresByReason },
    })
  }
  if (total === 0) return new MlnodeBenchError('MLNB_LOAD', `${subject}: no request was sent (duration bound too short?)`)
  if (failed / total <= maxFailureRate) return undefined
  const reasons = Object.entries(failuresByReason).map(([reason, n]) => `${reason} x${n}`).join(', ')
  return new MlnodeBenchError('MLNB_LOAD', `${subject}: ${failed} of ${total} requests failed (${reasons}); allowed fraction ${maxFailureRate}${failureSamples.map((m) => `\n  ${m}`).join('')}`, {
    details: { failed, total, failuresByReason },
  })
}
