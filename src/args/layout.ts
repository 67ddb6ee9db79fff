/**
 * GPU layout of one variant on one MLNode server: MLNode starts floor(GPUs / (TP*PP)) vLLM
 * instances, capped at INFERENCE_MAX_INSTANCES (128), and leaves the rest idle (docs/mlnode.md
 * "Instances"). The rule itself, `instancesOnServer`, is written once in src/contracts/deploy-plan.ts.
 */
import { MlnodeBenchError } from '../errors.js'
import type { Layout } from '../contracts/results.js'
import { DEFAULT_INSTANCE_CAP, instancesOnServer } from '../contracts/deploy-plan.js'

export { DEFAULT_INSTANCE_CAP, instancesOnServer }

/** The model facts that constrain TP and PP. */
export interface LayoutModel {
  /** Attention heads: vLLM requires TP to divide them. */
  attentionHeads: number
  /** Hidden layers: PP cannot exceed them. */
  layers: number
  /** Model id, named in messages. */
  id?: string
}

export interface LayoutInput {
  gpuCount: number
  tp: number
  pp: number
  /**
   * `--data-parallel-size`. vLLM needs TP*PP*DP GPUs visible, but MLNode hands each instance
   * only TP*PP of them (CUDA_VISIBLE_DEVICES), so DP > 1 cannot start under MLNode. @default 1
   */
  dp?: number
  /** MLNode's cap on instances per server. @default 128 */
  instanceCap?: number
  /** When given, TP/PP are checked against the model's heads and layers. */
  model?: LayoutModel
}

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n >= 1

/**
 * Instances and idle GPUs of a layout. Pure arithmetic: an infeasible layout (TP*PP > GPUs)
 * yields 0 instances; call `layoutProblems`/`assertLayout` to reject it.
 */
export function computeLayout(input: LayoutInput): Layout {
  const { gpuCount, tp, pp } = input
  const gpusPerInstance = tp * pp * (input.dp ?? 1)
  const instances = instancesOnServer(gpuCount, gpusPerInstance, input.instanceCap)
  return { gpuCount, gpusPerInstance, instances, idleGpus: gpuCount - instances * gpusPerInstance, tp, pp }
}

/** Every reason the layout cannot deploy, one sentence each; empty when it can. */
export function layoutProblems(input: LayoutInput): string[] {
  const { gpuCount, tp, pp, model } = input
  const dp = input.dp ?? 1
  const cap = input.instanceCap ?? DEFAULT_INSTANCE_CAP
  const problems: string[] = []
  const subject = `tp=${tp} pp=${pp}${dp === 1 ? '' : ` dp=${dp}`}${model?.id === undefined ? '' : ` of ${model.id}`}`
  if (!isPositiveInt(tp)) problems.push(`${subject}: TP must be a positive integer, got ${tp}`)
  if (!isPositiveInt(pp)) problems.push(`${subject}: PP must be a positive integer, got ${pp}`)
  if (!isPositiveInt(dp)) problems.push(`${subject}: DP must be a positive integer, got ${dp}`)
  if (!Number.isInteger(gpuCount) || gpuCount < 0) problems.push(`${subject}: GPU count must be a whole number, got ${gpuCount}`)
  if (!isPositiveInt(cap)) problems.push(`${subject}: instance cap must be a positive integer, got ${cap}`)
  if (problems.length > 0) return problems
  if (tp * pp * dp > gpuCount) {
    const product = dp === 1 ? `TP*PP = ${tp * pp}` : `TP*PP*DP = ${tp * pp * dp}`
    problems.push(`${subject}: needs ${product} GPUs per instance but the server has ${gpuCount}`)
  }
  if (dp > 1) {
    problems.push(`${subject}: MLNode gives each vLLM instance only TP*PP = ${tp * pp} GPUs (CUDA_VISIBLE_DEVICES) while --data-parallel-size ${dp} needs ${tp * pp * dp}; use fewer GPUs per instance and let MLNode start more instances instead`)
  }
  if (model !== undefined) {
    if (isPositiveInt(model.attentionHeads) && model.attentionHeads % tp !== 0) {
      problems.push(`${subject}: TP ${tp} does not divide the ${model.attentionHeads} attention heads`)
    }
    if (isPositiveInt(model.layers) && pp > model.layers) {
      problems.push(`${subject}: PP ${pp} exceeds the ${model.layers} layers`)
    }
  }
  return problems
}

/**
 * The layout, or one error listing every problem.
 * @throws MlnodeBenchError `MLNB_LAYOUT`
 */
export function assertLayout(input: LayoutInput): Layout {
  const problems = layoutProblems(input)
  if (problems.length > 0) {
    throw new MlnodeBenchError('MLNB_LAYOUT', `Infeasible GPU layout:\n${problems.join('\n')}`, {
      details: { gpuCount: input.gpuCount, tp: input.tp, pp: input.pp, dp: input.dp ?? 1, model: input.model?.id, problems },
    })
  }
  return computeLayout(input)
}
