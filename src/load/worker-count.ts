/**
 * How many worker threads carry a workload's streams. One event loop stamps every read it
 * handles, so a read waits behind every other read of the same wake-up and behind any GC pause of
 * the heap that holds all the streams: spreading streams over threads keeps each loop mostly idle
 * and each heap small (docs/metrics.md "Client timing"). More threads than cores only queue.
 */
import { MlnodeBenchError } from '../errors.js'

/** Chunks per second one stream is assumed to deliver: a 10 ms decode step, the fast end of vLLM. */
export const ASSUMED_CHUNKS_PER_S_PER_STREAM = 100

/**
 * Chunks per second one worker is given: about a quarter to a half of one core at the measured
 * client cost per chunk (test/perf/overhead.ts prints it), so its loop is idle when reads arrive.
 */
export const CHUNKS_PER_S_PER_WORKER = 20_000

export interface WorkerCountInput {
  /** Streams in flight at most (the pool's connections). */
  streams: number
  /** Cores this process may use (os.availableParallelism()). */
  cores: number
  /** @default ASSUMED_CHUNKS_PER_S_PER_STREAM */
  chunksPerStreamPerS?: number
}

/** At least 1, at most one per core and one per stream, else the expected chunk rate over a worker's share. */
export function chooseWorkerCount({ streams, cores, chunksPerStreamPerS = ASSUMED_CHUNKS_PER_S_PER_STREAM }: WorkerCountInput): number {
  const byRate = Math.ceil((Math.max(1, streams) * chunksPerStreamPerS) / CHUNKS_PER_S_PER_WORKER)
  return Math.max(1, Math.min(byRate, Math.max(1, Math.floor(cores)), Math.max(1, streams)))
}

/** MLNODE_BENCH_LOAD_WORKERS: 'auto' (unset) or a whole number of worker threads (0: none). */
export function loadWorkersFromEnv(env: NodeJS.ProcessEnv = process.env): number | 'auto' {
  const raw = env.MLNODE_BENCH_LOAD_WORKERS?.trim()
  if (raw === undefined || raw === '' || raw === 'auto') return 'auto'
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new MlnodeBenchError('MLNB_CONFIG', `environment MLNODE_BENCH_LOAD_WORKERS = ${JSON.stringify(raw)}: must be 'auto' or a whole number >= 0 (0: every stream on the main thread)`)
  return n
}
