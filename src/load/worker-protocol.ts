/**
 * Messages between runWorkload's main thread (load-workers.ts) and its load worker threads
 * (load-worker.ts). Stamps travel on records, already on the main thread's clock (thread-clock.ts).
 */
import type { RequestRecord } from '../contracts/records.js'
import type { StreamRequestOptions } from './stream-request.js'
import type { LoadTarget, ReadStampMode, WorkerLoopDelay } from '../contracts/workload.js'

export type { WorkerLoopDelay }

/** workerData of a load worker. */
export interface LoadWorkerInit {
  /** The main thread's performance.now() − CLOCK_MONOTONIC (thread-clock.ts). */
  mainNowMinusMonotonicMs: number
  /** The worker module to import (set for the TypeScript-source bootstrap, load-worker-tsx.mjs). */
  entry?: string
  /** A module the worker imports before anything else (MLNODE_BENCH_LOAD_WORKER_IMPORT: instrumentation). */
  preload?: string
}

/** One workload run's share, given to a worker at the run's start. */
export interface WorkerRun {
  target: LoadTarget
  /** Connections of this worker's own pool (its share of the workload's streams). */
  connections: number
  readStamp: ReadStampMode
  warmConnections: boolean
}

/** What a send carries: streamRequest's options that can cross a thread (no signal, clock or stamper). */
export type WorkerRequestOptions = Pick<StreamRequestOptions, 'endpoint' | 'index' | 'warmup' | 'scheduledAtMs' | 'timeoutS' | 'idleTimeoutS' | 'estimatedPromptTokens' | 'simSync'>

/** One request handed to a worker; its record comes back as 'done' with the same id. */
export interface WorkerSend {
  id: number
  body: string
  options: WorkerRequestOptions
}

export type ToWorker =
  /** Open a pool for a run (answered by 'ready'). */
  | ({ type: 'run' } & WorkerRun)
  /** Requests to send, in order: every send of one synchronous pass of the main thread in one message. */
  | { type: 'send'; sends: WorkerSend[] }
  /** The clock starts: the event-loop delay is measured from here. */
  | { type: 'measure' }
  | { type: 'abort' }
  /** The run is over: close its pool (answered by 'ended'); the worker then waits for another run. */
  | { type: 'end' }
  /** Heap + external memory of the worker's isolate after a GC when exposed (answered by 'memory'). */
  | { type: 'memory' }

export type FromWorker =
  /** Code loaded and warmed: the worker can take runs. */
  | { type: 'booted' }
  | { type: 'ready'; connectMs: number }
  | { type: 'done'; id: number; record: RequestRecord }
  | { type: 'ended'; loopDelay: WorkerLoopDelay }
  | { type: 'memory'; bytes: number }
