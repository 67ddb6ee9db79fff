import type { PocWorkloadSpec, SweepWorkloadSpec, WorkloadSpec } from '../contracts/workload.js'
import type { Slo } from '../contracts/records.js'
import { MlnodeBenchError } from '../errors.js'
import { SNAPSHOT_REGISTRY } from '../network/registry.js'
import { resolveNetworkModel } from '../network/suite-model.js'
import type { NetworkModel, NetworkRegistry } from '../network/types.js'
import type { ValidationOptions } from '../validation/options.js'

/** What a user writes in `benchmarks/*.bench.ts`. */
export interface DeploymentSuiteOptions {
  /**
   * A model of the Gonka network (`moonshotai/Kimi-K2.6`): the model and its mandatory args come
   * from the chain's entry (the live chain of MLNODE_BENCH_CHAIN_URL, else the snapshot shipped
   * with the package). `model` may then be left out; `mandatoryArgs`, if given, must equal the
   * chain's (docs/network-models.md).
   */
  networkModel?: string
  /** Model id as MLNode and vLLM know it, e.g. `Qwen/QwQ-32B`. Required unless `networkModel` is given. */
  model?: string
  /**
   * MLNode's `dtype` field (vLLM `--dtype`); fixed by the network like the mandatory args.
   * @default 'auto' (what Gonka's node software sends since v0.2.12: the checkpoint's own dtype, bf16 for QwQ-32B)
   */
  dtype?: string
  /** Args the network fixes for this model; every variant must keep them exactly. Required unless `networkModel` is given. */
  mandatoryArgs?: readonly string[]
  /** Variant name → its tunable args (TP, PP, scheduling…), e.g. `{ 'tp4-pp2': ['-tp','4','-pp','2'] }`. */
  variants: Readonly<Record<string, readonly string[]>>
  /** A compressa-perf YAML config (path relative to the suite file) or workload objects (load, or PoC: docs/poc.md). */
  workloads: string | readonly (WorkloadSpec | PocWorkloadSpec | SweepWorkloadSpec)[]
  /**
   * Workloads to run instead when the target is the embedded simulator (e.g. a shorter profile of
   * the real ones). @default `workloads`
   */
  simulatorWorkloads?: string | readonly (WorkloadSpec | PocWorkloadSpec | SweepWorkloadSpec)[]
  /**
   * Hardware profile the embedded simulator emulates: a catalog id, or the path of a hardware file
   * (relative to the suite file; docs/hardware.md). Against a real MLNode a file describes the
   * node's GPUs when the catalog does not know them (or set MLNODE_BENCH_HARDWARE); a catalog id
   * is ignored there (the node's reported GPUs decide). @default '8xrtx-4070-ti-super'
   */
  hardware?: string
  /** Non-mandatory args that may appear in variants although they are not known to be tunable. @default [] */
  allowArgs?: readonly string[]
  /** Bound on one deploy (up/async → ready). @default 1200 (MLNode start-up can take 20 min) */
  deployTimeoutS?: number
  /** Bound on one workload run; unfinished requests are recorded as aborted. @default 1800 */
  workloadTimeoutS?: number
  /** SLOs for goodput, applied to every workload that does not set its own. */
  slo?: Slo
  /** A workload fails when more than this fraction of its requests failed. @default 0 */
  maxFailureRate?: number
  /**
   * Command printing MLNode's log, run (argument array, no shell) when a deploy fails, e.g.
   * `['docker', 'logs', '--tail', '300', 'mlnode']`. @default none
   */
  logCommand?: readonly string[]
  /**
   * Command printing each GPU's power draw, run (argument array, no shell) at every GPU sample
   * while a workload runs, where this runner can reach the GPUs, e.g.
   * `['nvidia-smi', '--query-gpu=index,power.draw', '--format=csv']` or the same through
   * `ssh gpu-host`: gives output tokens per joule (docs/telemetry.md). Never run against a
   * simulator. @default none
   */
  powerCommand?: readonly string[]
  /**
   * Deploy to a real MLNode also in watch mode (`vitest bench` without `--run`), where every file
   * save redeploys every variant. @default false (or MLNODE_BENCH_ALLOW_WATCH=1 for every suite)
   */
  allowWatch?: boolean
  /**
   * With MLNODE_BENCH_TARGET=openai: the OpenAI API root (without /v1) serving each variant, started
   * by you (e.g. one `vllm serve` per variant). Variants not listed are not measured. Without it,
   * one "as-deployed" variant is measured at INFERENCE_URL. Ignored by the other targets.
   */
  openaiEndpoints?: Readonly<Record<string, string>>
  /**
   * Check each variant against the performance model before deploying it when the GPUs are known
   * (the simulator's profile, or a real MLNode's GPUs found in the GPU catalog): a variant that
   * cannot start (out of memory, heads, max model len…) fails with the model's reason and is
   * never deployed. @default true
   */
  checkFeasibility?: boolean
  /**
   * A calibration file written by `mlnode-bench calibrate` (path relative to the suite file): the
   * embedded simulator uses its constants (it must be fitted on the suite's `hardware` GPUs), and
   * on a real MLNode of the same GPUs the predictions beside the measurements do.
   * @default MLNODE_BENCH_CALIBRATION (relative to where vitest runs), else none
   */
  calibration?: string
  /**
   * Seconds between samples of each replica's vLLM /metrics page while a workload runs (KV-cache
   * use, running and waiting requests; counters are read at the start and the end). @default 1
   */
  telemetryIntervalS?: number
  /**
   * Check every variant against the network's inference validation (docs/validation-check.md):
   * the reference variant records its probe answers, each variant replays them with
   * `enforced_tokens` and fails at or below the threshold. @default off
   */
  validation?: ValidationOptions
  /**
   * Measure each workload this many times in one deployment and fold them into one result: each
   * figure their median, their spread kept (results.json `repeats`); a baseline accepted from it
   * takes its tolerance from that spread (docs/gate.md "Repeats"). A first baseline on a real
   * target needs ≥ 3. MLNODE_BENCH_REPEATS overrides it. @default 1
   */
  repeats?: number
  /**
   * Take the variant down and deploy it again before every repeat after the first, so the spread
   * includes deploy-to-deploy noise (replica placement, kernel caches). MLNODE_BENCH_REDEPLOY_REPEATS=1
   * turns it on for every suite. @default false
   */
  redeployBetweenRepeats?: boolean
}

export interface ResolvedDeploymentSuiteOptions extends Required<Omit<DeploymentSuiteOptions, 'slo' | 'logCommand' | 'powerCommand' | 'simulatorWorkloads' | 'openaiEndpoints' | 'calibration' | 'networkModel' | 'validation'>> {
  /** The chain entry that fixed `model` and `mandatoryArgs` (networkModel suites). */
  networkModel?: NetworkModel
  validation?: ValidationOptions
  slo?: Slo
  logCommand?: readonly string[]
  powerCommand?: readonly string[]
  openaiEndpoints?: Readonly<Record<string, string>>
  calibration?: string
  simulatorWorkloads: string | readonly (WorkloadSpec | PocWorkloadSpec | SweepWorkloadSpec)[]
}

/**
 * The suite's options with their defaults; a `networkModel` suite takes its model and mandatory
 * args from `registry` (default: the snapshot).
 * @throws MlnodeBenchError MLNB_CONFIG without a model, MLNB_NETWORK_MODEL for an unknown or contradicted network model.
 */
export function resolveSuiteOptions(options: DeploymentSuiteOptions, registry: NetworkRegistry = SNAPSHOT_REGISTRY): ResolvedDeploymentSuiteOptions {
  // The fields are checked at collection (validate-suite.ts); only a missing object stops here.
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new MlnodeBenchError('MLNB_CONFIG', `deploymentSuite takes one options object ({ model, mandatoryArgs, variants, workloads, … }), got ${JSON.stringify(options) ?? String(options)}`)
  }
  const { networkModel: _id, ...given } = options
  const fixed = modelAndArgs(options, registry)
  return {
    dtype: 'auto',
    hardware: '8xrtx-4070-ti-super',
    allowArgs: [],
    deployTimeoutS: 1200,
    workloadTimeoutS: 1800,
    maxFailureRate: 0,
    allowWatch: false,
    checkFeasibility: true,
    telemetryIntervalS: 1,
    repeats: 1,
    redeployBetweenRepeats: false,
    // An option given as `undefined` keeps its default.
    ...(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Omit<DeploymentSuiteOptions, 'networkModel'>),
    simulatorWorkloads: options.simulatorWorkloads ?? options.workloads,
    ...fixed,
  }
}

function modelAndArgs(options: DeploymentSuiteOptions, registry: NetworkRegistry): { model: string; mandatoryArgs: readonly string[]; networkModel?: NetworkModel } {
  if (options.networkModel !== undefined) {
    const { model, mandatoryArgs, entry } = resolveNetworkModel({ networkModel: options.networkModel, model: options.model, mandatoryArgs: options.mandatoryArgs }, registry)
    return { model, mandatoryArgs, networkModel: entry }
  }
  if (options.model === undefined || options.mandatoryArgs === undefined) {
    const missing = options.model === undefined ? 'model' : 'mandatoryArgs'
    throw new MlnodeBenchError('MLNB_CONFIG', `deploymentSuite: field "${missing}" is missing: give model and mandatoryArgs, or networkModel (the chain then fixes both)`, { details: { field: missing } })
  }
  return { model: options.model, mandatoryArgs: options.mandatoryArgs }
}
