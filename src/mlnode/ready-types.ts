/** What a wait for a deploy is given and tells (ready.ts runs it, ready-wait.ts bounds it). */
import type { DeployPlanShape } from '../contracts/deploy-plan.js'
import type { UpRequest } from './types.js'

export type ReadyPhase = 'up' | 'starting' | 'replicas' | 'models'

export interface ReadyProgress {
  elapsedS: number
  phase: ReadyPhase
  /** `/api/v1/state` (informative only). */
  state?: string
  /** `up/status` status. */
  status?: string
  healthyReplicas?: number
  expectedReplicas?: number
}

export interface WaitUntilReadyOptions {
  request: UpRequest
  /** The variant's deploy plan (its shape: src/contracts/deploy-plan.ts): layout and served names. */
  plan: Pick<DeployPlanShape, 'tp' | 'pp' | 'dp' | 'gpusPerInstance' | 'servedModelNames'>
  /** Variant name, named in errors. */
  variant?: string
  /** Overall deadline (weights load/download can take 20 min). @default 1_200_000 */
  deadlineMs?: number
  /** Pause between polls. @default 2_000 */
  pollIntervalMs?: number
  signal?: AbortSignal
  onProgress?: (progress: ReadyProgress) => void
  /** OpenAI endpoint to check `/v1/models` on. @default MLNode's own `/v1` proxy */
  inferenceUrl?: string
  /** Monotonic clock in ms (tests inject one). @default performance.now */
  now?: () => number
  /** Pause (tests inject one); must reject when `signal` aborts. @default node:timers/promises setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** The node's instance cap (INFERENCE_MAX_INSTANCES) when known. @default 128, MLNode's default */
  instanceCap?: number
  /** Whether a log command will show MLNode's log with a failure (worded into "no reason" errors). */
  logCommandSet?: boolean
}
