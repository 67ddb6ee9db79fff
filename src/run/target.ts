/**
 * What a run measures against, framework-free: a `Target` deploys a variant (or finds it running),
 * says what it is, where the load goes, and takes down what it deployed. Each kind is registered
 * once in targets/registry.ts (how it is chosen, set up, created and labelled): a real MLNode
 * (mlnode-target.ts), the embedded simulator (sim-target.ts: an MLNode on simulated time), a plain
 * OpenAI-compatible server with nothing to deploy (openai-target.ts), …
 * Time scale and measurement resolution follow from `TargetInfo.simulatedTime` (resolution.ts).
 */
import type { HardwareProfile } from '../model/index.js'
import type { Layout, NodeEnvironment, TargetInfo, VllmStartup } from '../contracts/results.js'
import type { PreparedVariant } from './prepare-variants.js'
import type { SuiteCalibration } from './suite-calibration.js'
import type { MetricsSources } from './metrics-sources.js'

export interface DeployRequest {
  model: string
  dtype: string
  variant: PreparedVariant
  deployTimeoutS: number
  logCommand?: readonly string[]
  /** Refuse a variant the performance model says cannot start (suite option `checkFeasibility`). @default true */
  checkFeasibility?: boolean
  /**
   * Path (relative to the run's cwd, or absolute) of the hardware file a real MLNode's GPUs are matched against (the suite's
   * `hardware` file or MLNODE_BENCH_HARDWARE; suite-hardware.ts). @default the GPU catalog
   */
  hardwareFile?: string
  /** The suite's calibration (suite-calibration.ts): the simulator's constants, and the predictions' on a real MLNode. */
  calibration?: SuiteCalibration
}

export interface DeployedVariant {
  /** Unknown for a server measured as deployed (the OpenAI target). */
  layout?: Layout
  target: TargetInfo
  /**
   * Seconds from `up/async` to ready (simulated seconds on a simulator): the switch cost. Absent
   * when nothing was deployed (the OpenAI target).
   */
  readyAfterS?: number
  /**
   * 'cold': the first start of this layout (args) on the node in this run, paying kernel JIT and
   * compile caches; 'warm': it was started before in this run. Absent when nothing was deployed.
   */
  deployStart?: 'cold' | 'warm'
  /** Set when the node started fewer replicas than the layout allows (INFERENCE_MAX_INSTANCES). */
  instanceCap?: number
  /** The target's GPUs as a catalogued hardware profile, when the catalog knows them. */
  box?: HardwareProfile
  /** Warnings about this deploy (the performance model's "may not start"), kept in the results. */
  notes?: string[]
  /** A real MLNode's driver, vLLM version, model revision (src/mlnode/environment.ts). */
  environment?: NodeEnvironment
  /** vLLM's start-up lines (read with the suite's logCommand) beside the model's figures (src/telemetry/vllm-startup.ts). */
  vllmStartup?: VllmStartup
}

/** Where one variant's load goes. */
export interface LoadEndpoint {
  /** OpenAI API root without /v1. */
  inferenceUrl: string
  /** Extra request headers (an API key); never printed. */
  headers?: Record<string, string>
  /** MLNode's management URL (PoC workloads use its pow routes); absent on a plain OpenAI server. */
  mgmtUrl?: string
}

export interface TargetDescription {
  info: TargetInfo
  /** GPUs of the target; 0 when unknown (an OpenAI endpoint). */
  gpuCount: number
}

export interface Target {
  /** What answers there; a failure is not cached (a node restarting when the run starts). */
  describe(request?: DeployRequest): Promise<TargetDescription>
  /** Starts (or queues) the variant's deploy and never throws: `ready` gives its outcome. */
  prepare(request: DeployRequest): Promise<void>
  /** The deployed variant, or the reason its deploy failed. */
  ready(request: DeployRequest): Promise<DeployedVariant>
  /** Where the variant's load goes (after `ready`). */
  endpoint(request: DeployRequest): LoadEndpoint
  /** The variant's vLLM /metrics pages (after `ready`), or why there are none. */
  metricsSources(request: DeployRequest, deployed: DeployedVariant): MetricsSources
  /** Takes down whatever this target deployed; never throws. */
  close(): Promise<void>
  /**
   * Takes the variant down and deploys it again (suite option `redeployBetweenRepeats`). Absent
   * on a target that deploys nothing (the OpenAI target): repeats then run on what is there.
   */
  redeploy?(request: DeployRequest): Promise<DeployedVariant>
}
