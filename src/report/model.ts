/**
 * The result model every output is rendered from: results.json, console table, JUnit, Markdown,
 * baselines. Produced by src/vitest (one BenchResult per variant x workload), merged across shards.
 */
import type { WorkloadMetrics } from '../metrics/types.js'

/** Where the numbers came from. Simulated numbers are always labelled as such. */
export interface TargetInfo {
  kind: 'simulated' | 'mlnode'
  /** Hardware profile id (simulated) or what the MLNode reported (e.g. "8x NVIDIA H100 80GB HBM3"). */
  hardware: string
  /** Simulator wall-clock speed-up (simulated only): measured times were scaled back by it. */
  speed?: number
  /** Simulated only: the measured transport time ε per request that was kept unscaled (ms). */
  transportMs?: number
  /** Management URL with credentials removed. */
  url?: string
}

export interface Layout {
  gpuCount: number
  gpusPerInstance: number
  instances: number
  idleGpus: number
  tp: number
  pp: number
}

export type FailureKind = 'guard' | 'deploy' | 'workload' | 'regression' | 'internal'

export interface BenchFailure {
  kind: FailureKind
  message: string
  /** Stable error code when the failure came from an MlnodeBenchError. */
  code?: string
  /** MLNode log lines captured on deploy failure. */
  log?: string[]
}

/** Identity of a result across runs and shards: never vitest's positional ids. */
export interface ResultKey {
  model: string
  variant: string
  workload: string
}

/**
 * How precise the measurement itself was, so that a change smaller than it is never called a
 * regression. Both figures are in the result's own (simulated, when simulated) time.
 */
export interface MeasurementResolution {
  /**
   * Timing resolution of one latency stamp, ms: the client's event-loop delay p99 plus (against
   * a simulator) the simulator's event lateness p99, times the simulator's speed.
   */
  latencyMs: number
  /** Share of the run's wall time lost to stalls (simulator timeline shifts): rates are off by about this. */
  rateShare: number
  /** The parts, real ms (for people). */
  clientLoopDelayP99Ms: number
  simLatenessP99Ms?: number
}

export interface BenchResult extends ResultKey {
  /** Suite file relative to the project root (for people; not part of the key). */
  file: string
  status: 'passed' | 'failed' | 'skipped'
  failure?: BenchFailure
  target: TargetInfo
  /** Args as sent to MLNode (normalised two-token form), mandatory first. */
  args: string[]
  layout?: Layout
  metrics?: WorkloadMetrics
  /** Wall time this bench body took, seconds. */
  wallS?: number
  /** Precision of this run's measurement (absent in results of older versions). */
  resolution?: MeasurementResolution
  /**
   * results.json only: the run that measured this result. A partial run keeps the entries it did
   * not re-run, each with its own run (absent in results of older versions).
   */
  run?: RunStamp
  /** results.json only: the vitest bench behind this result, the identity a later run replaces it by. */
  bench?: BenchIdentity
}

/** One run of the tool: when it started and at which commit. */
export interface RunStamp {
  /** Unique id of the run (its start time and a random suffix). */
  id: string
  /** ISO date the run started. */
  date: string
  git?: { commit: string; dirty: boolean; branch?: string }
}

/** The vitest bench of a result: project name ('' by default), file relative to the root, full name. */
export interface BenchIdentity {
  project: string
  file: string
  name: string
}

/**
 * 'running' from the run's start until it ended: a file still saying 'running' was left by a
 * killed run; 'interrupted' when vitest cancelled the run. Only 'complete' is a finished run.
 */
export type RunState = 'running' | 'complete' | 'interrupted'

/** The run that last wrote a results file, and whether it finished. */
export interface RunInfo extends RunStamp {
  state: RunState
  /** ISO date the run ended (absent while running). */
  endedAt?: string
}

export interface Provenance {
  tool: { name: string; version: string }
  /** ISO date of the run. */
  date: string
  git?: { commit: string; dirty: boolean; branch?: string }
}

export interface RunResults {
  schemaVersion: 1
  provenance: Provenance
  /** The run that wrote this file and its state (absent in files of older versions). */
  run?: RunInfo
  results: BenchResult[]
}

export function resultKeyString(key: ResultKey): string {
  return `${key.model} › ${key.variant} › ${key.workload}`
}
