/**
 * The state of one workload run (run-workload.ts prepares it, load-loops.ts drives it) and the
 * sending of one request: its body (rendered before the clock for the first wave), its place in a
 * simulated-time session, and its record once it settled.
 */
import type { Pool } from 'undici'
import type { RequestRecord } from '../contracts/records.js'
import type { LoadTarget, RunWorkloadOptions, WorkloadSpec } from '../contracts/workload.js'
import type { SimSyncRequest } from '../protocol/sim-sync.js'
import { randomUUID } from 'node:crypto'
import type { LoadWorkers } from './load-workers.js'
import type { PromptSource } from './prompts.js'
import type { ReadStamp } from './read-stamp.js'
import { streamRequest } from './stream-request.js'
import type { WorkerRequestOptions } from './worker-protocol.js'

/** Bounds on the request bodies rendered before the clock starts (the first wave, see runWorkload). */
const MAX_PRERENDERED_REQUESTS = 1024
const MAX_PRERENDERED_CHARS = 64 * 1024 * 1024

export interface LoadRun {
  target: LoadTarget
  spec: WorkloadSpec
  options: RunWorkloadOptions
  now: () => number
  prompts: PromptSource
  warmups: number
  /** Warm-ups plus measured requests. */
  total: number
  connections: number
  /** Worker threads the run uses (0: the streams run on this thread). */
  workerCount: number
  simulatedTime: boolean
  /** Arrivals on a schedule (a rate or a trace's timestamps) rather than closed-loop workers. */
  openLoop: boolean
  /** One internal signal for every request, linked to the caller's. */
  abort: AbortController
  /** Streams run on worker threads (load-worker.ts), or on this thread's own pool with 0 workers. */
  workers: LoadWorkers | undefined
  pool: Pool | undefined
  /** On this thread too, a wave goes out a slice per loop turn (wave-slicer.ts; workers do the same). */
  startSliced: <T>(begin: () => Promise<T>) => Promise<T>
  /** One batch for every stream: reads of one poll phase share its stamp (read-stamp.ts). */
  streamStamp: () => ReadStamp
  /** The record of each request by index, once it settled. */
  records: Array<RequestRecord | undefined>
  /** Open-loop arrival times, kept so requests cancelled while waiting for a slot keep theirs. */
  scheduledFor: Array<number | undefined>
  /** Bodies rendered before the clock started, by index (taken when sent). */
  prerendered: Map<number, string>
  renderBody: (index: number) => string
}

/**
 * Renders the bodies of the first wave before the clock: it is sent in one synchronous burst at
 * the clock start, during which no response can be read or stamped (test/perf/overhead.ts).
 */
export function prerender(run: LoadRun, from: number, count: number): void {
  let chars = 0
  for (let index = from; index < from + Math.min(count, MAX_PRERENDERED_REQUESTS) && chars < MAX_PRERENDERED_CHARS; index++) {
    const body = run.renderBody(index)
    chars += body.length
    run.prerendered.set(index, body)
  }
}

/** A simulated-time session per phase (warm-up, measured): its id and shape; none on the wall clock. */
export function simPhase(run: LoadRun, from: number, count: number, maxInFlight: number): ((index: number, offsetS?: number) => SimSyncRequest) | undefined {
  if (!run.simulatedTime) return undefined
  const session = randomUUID()
  const { spec, warmups } = run
  return (index, offsetS = 0) => ({ session, index: index - from, count, maxInFlight, offsetS, ...(from >= warmups && spec.durationS !== undefined ? { durationS: spec.durationS } : {}) })
}

/** Sends request `index` and keeps its record; never rejects (failures are records). */
export async function sendRequest(run: LoadRun, index: number, scheduledAtMs: number, simSync?: SimSyncRequest): Promise<void> {
  const { spec, warmups, options } = run
  let body = run.prerendered.get(index)
  if (body === undefined) body = run.renderBody(index)
  else run.prerendered.delete(index)
  const request: WorkerRequestOptions = {
    endpoint: spec.endpoint ?? 'chat',
    index,
    warmup: index < warmups,
    scheduledAtMs,
    timeoutS: spec.requestTimeoutS,
    idleTimeoutS: spec.idleTimeoutS,
    estimatedPromptTokens: run.prompts.estimatedTokens(index),
    ...(simSync === undefined ? {} : { simSync }),
  }
  options.onRequestSent?.(index, index < warmups)
  const workers = run.workers
  const record = await (workers !== undefined ? workers.send(body, request) : run.startSliced(() => streamRequest(run.pool!, run.target, body, { ...request, signal: run.abort.signal, now: run.now, readStamp: run.streamStamp() })))
  run.records[index] = record
  options.onRequestDone?.(record)
}
