/**
 * The result model every output is rendered from: results.json, console table, JUnit, Markdown,
 * baselines. Produced by src/vitest (one BenchResult per variant x workload), merged across shards.
 */
import type { FailureKind } from '../errors.js'
import type { Slo, WorkloadMetrics } from './records.js'

/** A target kind's name in results: lower case, digits and dashes ('simulated', 'mlnode', 'openai'…). */
export type TargetKindName = string
import type { MetricId } from './metric-id.js'

/** Where the numbers came from. Simulated numbers are always labelled as such. */
export interface TargetInfo {
  /**
   * 'simulated' for every simulated number, else the registered target kind that measured it
   * (src/run/targets/registry.ts): 'mlnode' a real MLNode, 'openai' a plain OpenAI-compatible
   * server measured as it runs (nothing deployed); a new kind brings its own name.
   */
  kind: TargetKindName
  /** Hardware profile id (simulated) or what the MLNode reported (e.g. "8x NVIDIA H100 80GB HBM3"). */
  hardware: string
  /**
   * Simulated only: the numbers are the simulator's own stamps in simulated time (the sim-sync
   * protocol), a function of the inputs and the seed, never of this machine's load.
   */
  simulatedTime?: boolean
  /** Simulated only: step-time noise injected (coefficient of variation) and the simulator's seed. */
  noiseCv?: number
  seed?: number
  /** Simulated only: run-level noise injected (coefficient of variation of the per-GPU and per-replica factors drawn at each deploy). */
  runNoise?: number
  /** Results of older versions: the wall-clock speed-up their times were scaled back by. */
  speed?: number
  /** Simulated only: the calibration file (`mlnode-bench calibrate`) whose constants the simulator used, as the suite named it. */
  calibration?: string
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

/** Defined beside the error codes (src/errors.ts), which say which kind each stands for. */
export type { FailureKind } from '../errors.js'

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
 * regression. Both figures are in the result's own time. Against a simulator on simulated time
 * both are 0: the stamps are the simulator's, the client's timing plays no part.
 */
export interface MeasurementResolution {
  /** Where the stamps came from. @default 'client' (results of older versions) */
  stamps?: 'client' | 'simulator'
  /** Timing resolution of one latency stamp, ms: the client's event-loop delay p99 (client stamps). */
  latencyMs: number
  /** Share of the run's wall time the client's event loop was stalled: durations are long and rates short by up to this. */
  rateShare: number
  /** The client's own event-loop delay p99, real ms: its timing error, reported apart (with simulator stamps it does not enter the figures). */
  clientLoopDelayP99Ms: number
  /** Results of older versions: the simulator's event lateness p99, real ms. */
  simLatenessP99Ms?: number
  /** Worker threads that sent the requests and took the stamps; 0: the main thread (absent in older results). */
  loadWorkers?: number
}

/** A model prediction kept with a measured result. */
export interface BenchPrediction {
  /** Hardware profile the model predicted for (the target's GPUs found in the catalog). */
  hardware: string
  /** True when calibrated constants of the box were used (mlnode-bench calibrate). */
  calibrated: boolean
  /** The figures, keyed as `predict --json` and the metric registry (ttft_mean_ms…). */
  figures: Record<string, number>
}

/** One backend (vLLM replica) of a PoC run: its group of the nonce space (docs/poc.md). */
export interface PocBackendResult {
  /** group_id MLNode gave the backend (its index among the healthy backends). */
  group: number
  nonces: number
  noncesPerMin: number
}

/** What a PoC workload measured (docs/poc.md "What is measured"). */
export interface PocResult {
  /** Artifacts received per minute of generation, all backends together: the host's PoC weight rate. */
  noncesPerMin: number
  /** noncesPerMin over the GPUs of the node (idle ones included: they earn nothing). */
  noncesPerMinPerGpu: number
  gpus: number
  /** Artifacts received (nonces with a vector). */
  nonces: number
  /** Generation time the rate is over: from init/generate to the last callback counted, seconds. */
  durationS: number
  /** From init/generate to the first callback carrying artifacts, seconds (callbacks come every ~5 s). */
  firstArtifactS: number
  /** Callback batches received (`POST {url}/generated`). */
  callbacks: number
  seqLen: number
  /** batch_size sent; absent when the backend's default was left to apply. */
  batchSize?: number
  kDim: number
  /** Backends init/generate reached (MLNode's fan-out). */
  backends: PocBackendResult[]
}

/** One load step of a sweep: measured like a workload (its own histograms), or skipped. */
export interface SweepStepResult {
  /** The step's load: req/s (over 'rate') or concurrent requests (over 'concurrency'). */
  load: number
  /** 'passed': the SLO attainment was met; 'failed': it was not; 'skipped': not measured (early stop or budget). */
  state: 'passed' | 'failed' | 'skipped'
  /** Share of the step's requests that met the SLO (failed requests count as missing it). */
  goodShare?: number
  metrics?: WorkloadMetrics
  /** Real seconds the step took (for the ETA). */
  wallS?: number
}

/** A sweep's outcome (docs/metrics.md "Capacity at SLO"). */
export interface SweepResult {
  over: 'rate' | 'concurrency'
  /** The load's unit: 'req/s' or 'concurrency'. */
  unit: 'req/s' | 'concurrency'
  /** Set when the loads were searched (bisected) instead of a fixed grid. */
  search?: boolean
  /** The SLO a request must meet (the workload's or the suite's `slo`, the goodput definition). */
  slo: Slo
  /** Share of a step's requests that must meet the SLO. */
  attainment: number
  /** Every planned step, lowest load first. */
  steps: SweepStepResult[]
  /**
   * The highest measured load that met the attainment (0 when none did), and the bracket the true
   * capacity lies in: [that load or null when none passed, the lowest failing load above it or null
   * when none failed above it].
   */
  capacityAtSlo: { value: number; bracket: [number | null, number | null]; unit: 'req/s' | 'concurrency' }
  /** Why steps were skipped: the SLO was broken in `stopAfterFailedSteps` steps in a row, or the time budget. */
  stopped?: { reason: 'slo-broken' | 'budget'; afterLoad: number }
}

/** A real MLNode's software and GPUs as far as it tells (src/mlnode/environment.ts); each part best effort. */
export interface NodeEnvironment {
  /** GPU names as /health lists them, one per GPU. */
  gpus?: string[]
  /** NVIDIA driver (`GET /api/v1/gpu/driver`). */
  driverVersion?: string
  /** The highest CUDA version the driver supports. */
  cudaDriverVersion?: string
  /** vLLM's own `/version`, where the inference URL serves it. */
  vllmVersion?: string
  /** The model's Hugging Face revision, when MLNode's cache names one. */
  modelCommit?: string
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
  /** MLNode's `dtype` field the variant was deployed with (absent in results of older versions). */
  dtype?: string
  /**
   * Seconds from `up/async` to ready (simulated seconds on a simulator): what switching to this
   * variant costs a host. Absent when the deploy failed and in results of older versions.
   */
  deployS?: number
  /** Whether `deployS` was the layout's first start on the node in this run ('cold') or a repeat ('warm'). */
  deployStart?: 'cold' | 'warm'
  /** The node's instance cap (INFERENCE_MAX_INSTANCES) when it started fewer replicas than the layout allows. */
  instanceCap?: number
  /** Precision of this run's measurement (absent in results of older versions). */
  resolution?: MeasurementResolution
  /** Warnings about this bench's deploy, e.g. the performance model's "may not start" (absent when none). */
  notes?: string[]
  /**
   * The performance model's prediction for this bench on the hardware the target reported (real
   * MLNode runs whose GPUs are in the catalog): kept beside the measured figures so the model's
   * accuracy on real boxes is tracked over time.
   */
  prediction?: BenchPrediction
  /** What the server's own /metrics pages said while the workload ran (absent when not scraped). */
  serverTelemetry?: ServerTelemetry
  /** A sweep workload's curve and capacity at SLO (absent for other workloads and in older results). */
  sweep?: SweepResult
  /** What the GPUs did while the workload ran: MLNode's GPU route and an optional power command (absent when not sampled). */
  gpuTelemetry?: GpuTelemetry
  /** vLLM's start-up lines of this variant (read with the suite's logCommand) beside the model's prediction. */
  vllmStartup?: VllmStartup
  /** A PoC workload's figures (absent for load workloads and in results of older versions). */
  poc?: PocResult
  /** A real MLNode's driver, vLLM version, model revision… (absent on simulators and in older results). */
  environment?: NodeEnvironment
  /**
   * results.json only: the run that measured this result. A partial run keeps the entries it did
   * not re-run, each with its own run (absent in results of older versions).
   */
  run?: RunStamp
  /** results.json only: the vitest bench behind this result, the identity a later run replaces it by. */
  bench?: BenchIdentity
  /**
   * `networkModel` suites: the chain entry that fixed the model and its mandatory args, from the
   * snapshot shipped with the package or a live chain (absent otherwise and in older results).
   */
  networkModel?: NetworkModelEntryRef
  /**
   * The network's inference validation of this variant (the `validation` bench of a suite with
   * the `validation` option; docs/validation-check.md). Absent on workload results.
   */
  validation?: ValidationFigures
  /**
   * The workload was measured several times in this run (suite option `repeats`) and the result
   * folds them: each figure is their median (docs/gate.md "Repeats"). Absent for one measurement.
   */
  repeats?: RepeatSummary
}

/** The measurements behind a folded result (src/run/fold-repeats.ts). */
export interface RepeatSummary {
  /** Measurements folded (≥ 2). */
  count: number
  /** Whether the variant was taken down and deployed again before every repeat after the first. */
  redeployed: boolean
  /** Each judged figure (baseline metric id) as every repeat measured it, in order. */
  figures: Partial<Record<MetricId, number[]>>
}

/** The registry entry behind a result's mandatory args (docs/network-models.md). */
export interface NetworkModelEntryRef {
  /** Governance model id. */
  id: string
  registry: 'snapshot' | 'live'
  /** Chain release that set the values (`v0.2.13`, `genesis`), or the live node's version. */
  chainVersion?: string
  /** Snapshot: the gonka-ai/gonka file that set the values. */
  file?: string
  /** Live: the chain REST root read (credentials removed). */
  url?: string
}

/** A variant's PoC vectors judged against the reference's by MLNode's stat test (src/validation/poc-vectors.ts). */
export interface PocValidationFigures {
  nonces: number
  /** Nonces whose vector is farther than dist_threshold from the reference's. */
  mismatches: number
  /** Binomial test of the mismatches against p_mismatch. */
  pValue: number
  /** MLNode did not call it fraud. */
  passed: boolean
  seqLen: number
  /** The stat test used, and where it comes from. */
  statTest: string
}

/** A variant's answers scored as the network's validators score them (src/validation). */
export interface ValidationFigures {
  /** 'enforced-tokens': the reference answers replayed with `enforced_tokens`; 'exact-tokens': the server ignored them, free answers compared. */
  mode: 'enforced-tokens' | 'exact-tokens'
  /** Why the check fell back to exact tokens. */
  modeReason?: string
  /** The reference: a variant of the run, or a recorded reference file. */
  reference: string
  /** Pass bar: similarity must exceed it. */
  threshold: number
  /** Where the threshold comes from. */
  thresholdSource: string
  /** Probes sent, and those that could be scored. */
  probes: number
  compared: number
  minSimilarity: number
  medianSimilarity: number
  /** Share of the scored probes at or below the threshold. */
  belowThresholdShare: number
  passed: boolean
  /** First position where the variant's own first choice departs from the reference's. */
  firstDifference?: { probe: string; position: number; referenceToken: string; variantToken: string }
  /** The probe with the lowest similarity. */
  worstProbe?: string
  /** The PoC vectors of the same nonces, judged by the chain's stat test (absent where the target has no PoC route). */
  poc?: PocValidationFigures
  /** Why the PoC vectors were not checked. */
  pocSkipped?: string
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

/** A baseline entry that failed its checks (wrong type, undecodable histogram): not compared. */
export interface BaselineEntryProblem extends ResultKey {
  /** Where in the baseline file: `results["model"]["variant"]["workload"]`. */
  at: string
  /** What is wrong, one sentence each: `target.hardware must be string, got 42`. */
  problems: string[]
  /** `<file>: <at>: <problems>`, for people. */
  message: string
}

/** How far the baseline could gate a run: shown by every report, kept in results.json. */
export interface BaselineGateStatus {
  /** The baseline file as shown to people (relative to the project root when inside it). */
  file: string
  state: 'found' | 'missing' | 'corrupt'
  /** Missing only: whether that fails the run. */
  required: boolean
  /** Corrupt: why, naming the file and the field. */
  error?: { code: string; message: string }
  /** Entries set aside (not compared); the rest of the baseline still gates. */
  invalid: BaselineEntryProblem[]
}

export interface RunResults {
  schemaVersion: 1
  provenance: Provenance
  /** The run that wrote this file and its state (absent in files of older versions). */
  run?: RunInfo
  results: BenchResult[]
  /** The baseline's state when the run was compared with it (written by vitest runs). */
  baseline?: BaselineGateStatus
}

export function resultKeyString(key: ResultKey): string {
  return `${key.model} › ${key.variant} › ${key.workload}`
}

/**
 * vLLM's view of a workload, from its Prometheus /metrics page of every replica (src/telemetry):
 * gauges sampled every `intervalS` seconds, counters as their increase over the workload. A figure
 * the pages did not have is absent, and `unavailable` says why.
 */
export interface ServerTelemetry {
  /** Pages read (one per replica). */
  sources: number
  samples: number
  intervalS: number
  /** Highest KV-cache use of any replica in any sample (0–1). */
  kvCacheUsagePeak?: number
  /** Mean over samples of the replicas' mean KV-cache use (0–1). */
  kvCacheUsageMean?: number
  /** Mean requests running (summed over replicas). */
  runningMean?: number
  /** Mean and peak requests waiting in the scheduler's queue (summed over replicas). */
  waitingMean?: number
  waitingPeak?: number
  /** Requests preempted for KV-cache space during the workload. */
  preemptions?: number
  promptTokens?: number
  generationTokens?: number
  /** Prefix-cache hits / queries (tokens) during the workload. */
  prefixCacheHitRate?: number
  /** Accepted / drafted speculative tokens during the workload. */
  specDecodeAcceptanceRate?: number
  /** Figure → the metric name found (vLLM versions spell some differently). */
  metricNames: Record<string, string>
  /** What could not be read, and why. */
  unavailable: string[]
  /** Seconds since the workload started → the sampled gauges, for charts. */
  series: Array<{ tS: number; kvCacheUsage?: number; running?: number; waiting?: number }>
}

/** One GPU's figures over a workload (MLNode's `GPUDevice`, NVML: utilisation over its last sample period). */
export interface GpuDeviceFigures {
  index: number
  name?: string
  /** Mean and peak `utilization_percent` over the samples (0–100). */
  utilizationMean?: number
  utilizationPeak?: number
  memoryUsedPeakMb?: number
  memoryTotalMb?: number
  temperaturePeakC?: number
  /** Mean power draw from the power command, watts. */
  powerMeanW?: number
}

/**
 * What the variant's GPUs did while the workload ran (src/telemetry/gpu-sampler.ts): MLNode's
 * `GET /api/v1/gpu/devices` sampled every `intervalS` seconds, and the suite's `powerCommand`
 * (e.g. nvidia-smi's CSV) where it is set. A figure that could not be read is absent, and
 * `unavailable` says why: GPU telemetry never fails a workload.
 */
export interface GpuTelemetry {
  samples: number
  intervalS: number
  /** The variant's GPUs (its replicas' `[i·TP·PP, (i+1)·TP·PP)`), by index. */
  gpus: GpuDeviceFigures[]
  /** Mean utilisation of each pipeline stage of each replica: stages well below 100 % under load are a PP bubble. */
  stages: Array<{ replica: number; stage: number; gpus: number[]; utilizationMean: number }>
  /** The least free memory of any of the variant's GPUs in any sample, MiB. */
  memoryHeadroomMb?: number
  /** Mean total power of the variant's GPUs, watts (power command). */
  powerMeanW?: number
  /** powerMeanW × the workload's duration, joules. */
  energyJ?: number
  /** Output tokens of the workload per joule of the variant's GPUs. */
  outputTokensPerJoule?: number
  /** Where the figures came from ("mlnode /api/v1/gpu/devices", "power command: nvidia-smi …"). */
  sources: string[]
  unavailable: string[]
}

/**
 * vLLM's start-up lines for the variant (its KV cache, concurrency, CUDA-graph memory) read from
 * the suite's `logCommand` output (src/telemetry/vllm-startup.ts), beside the performance model's
 * figures for the same variant. Per instance (KV tokens, concurrency) or per GPU (GiB), as vLLM logs them.
 */
export interface VllmStartup {
  /** "GPU KV cache size: N tokens" (per instance). */
  kvCacheTokens?: number
  /** "Maximum concurrency for L tokens per request: Cx": C, at L tokens. */
  maxConcurrency?: number
  maxConcurrencyAtTokens?: number
  /** "Available KV cache memory: G GiB" (per GPU). */
  availableKvCacheGiB?: number
  /** "Model loading took G GiB" (per GPU). */
  modelLoadingGiB?: number
  /** "Graph capturing finished in S secs, took G GiB": CUDA-graph memory (per GPU). */
  cudaGraphGiB?: number
  /** "Estimated CUDA graph memory: G GiB total" (vLLM's profiler, newer versions). */
  cudaGraphEstimateGiB?: number
  /** The lines the figures came from, as logged (redacted). */
  lines: string[]
  /** The performance model's figures for this variant on the target's hardware. */
  predicted?: { kvCacheTokens: number; maxConcurrency: number; maxModelLen: number; kvCacheGiBPerGpu: number; weightsGiBPerGpu: number }
  unavailable: string[]
}
