/**
 * What a deploy is to MLNode, below everyone who computes, sends, waits for or predicts it: the
 * shape of a variant's deploy plan (computed from its args by src/args/deploy-plan.ts) and
 * MLNode's placement rule. The rule lives here, once, so the MLNode client and the performance
 * model cannot disagree on how many instances a server starts.
 */

/** A variant's deploy as MLNode receives it; src/args adds the parsed args it came from. */
export interface DeployPlanShape {
  /** Model id MLNode deploys (the `model` field of up/async). */
  model: string
  /** Args as MLNode receives them (normalised two-token form, see `toMlnodeArgs`). */
  mlnodeArgs: string[]
  tp: number
  pp: number
  dp: number
  /** GPUs one vLLM instance needs: TP*PP*DP. */
  gpusPerInstance: number
  /** Ids `/v1/models` lists: every `--served-model-name`, else the model id. The first one answers. */
  servedModelNames: string[]
}

/** MLNode's instance cap (docs/mlnode.md "Instances": capped at 128). */
export const DEFAULT_INSTANCE_CAP = 128

/**
 * THE instance rule: vLLM instances MLNode starts on `gpuCount` GPUs for instances of
 * `gpusPerInstance` GPUs, min(cap, floor(G / (TP*PP))). 0 when an instance does not fit (MLNode
 * itself would still start one, which vLLM then fails to run: callers reject that layout first).
 */
export function instancesOnServer(gpuCount: number, gpusPerInstance: number, instanceCap: number = DEFAULT_INSTANCE_CAP): number {
  if (!(gpusPerInstance > 0) || !(gpuCount > 0)) return 0
  return Math.max(0, Math.min(instanceCap, Math.floor(gpuCount / gpusPerInstance)))
}
