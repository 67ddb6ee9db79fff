import type { PocWorkloadSpec, WorkloadSpec } from '../contracts/workload.js'
import type { Slo } from '../contracts/records.js'

/** What a user writes in `benchmarks/*.bench.ts`. */
export interface DeploymentSuiteOptions {
  /** Model id as MLNode and vLLM know it, e.g. `Qwen/QwQ-32B`. */
  model: string
  /**
   * MLNode's `dtype` field (vLLM `--dtype`); fixed by the network like the mandatory args.
   * @default 'auto' (what Gonka's node software sends since v0.2.12: the checkpoint's own dtype, bf16 for QwQ-32B)
   */
  dtype?: string
  /** Args the network fixes for this model; every variant must keep them exactly. */
  mandatoryArgs: readonly string[]
  /** Variant name → its tunable args (TP, PP, scheduling…), e.g. `{ 'tp4-pp2': ['-tp','4','-pp','2'] }`. */
  variants: Readonly<Record<string, readonly string[]>>
  /** A compressa-perf YAML config (path relative to the suite file) or workload objects (load, or PoC: docs/poc.md). */
  workloads: string | readonly (WorkloadSpec | PocWorkloadSpec)[]
  /**
   * Workloads to run instead when the target is the embedded simulator (e.g. a shorter profile of
   * the real ones). @default `workloads`
   */
  simulatorWorkloads?: string | readonly (WorkloadSpec | PocWorkloadSpec)[]
  /** Hardware profile the embedded simulator emulates; ignored against a real MLNode. @default '8xrtx-4070-ti-super' */
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
}

export interface ResolvedDeploymentSuiteOptions extends Required<Omit<DeploymentSuiteOptions, 'slo' | 'logCommand' | 'simulatorWorkloads' | 'openaiEndpoints' | 'calibration'>> {
  slo?: Slo
  logCommand?: readonly string[]
  openaiEndpoints?: Readonly<Record<string, string>>
  calibration?: string
  simulatorWorkloads: string | readonly (WorkloadSpec | PocWorkloadSpec)[]
}

export function resolveSuiteOptions(options: DeploymentSuiteOptions): ResolvedDeploymentSuiteOptions {
  return {
    dtype: 'auto',
    hardware: '8xrtx-4070-ti-super',
    allowArgs: [],
    deployTimeoutS: 1200,
    workloadTimeoutS: 1800,
    maxFailureRate: 0,
    allowWatch: false,
    checkFeasibility: true,
    // An option given as `undefined` keeps its default.
    ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as DeploymentSuiteOptions),
    simulatorWorkloads: options.simulatorWorkloads ?? options.workloads,
  }
}
