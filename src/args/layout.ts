/**
 * GPU layout of one variant on one MLNode server: MLNode starts floor(GPUs / (TP*PP)) vLLM
 * instances, capped at 128, and leaves the rest idle (docs/mlnode.md "Host workflow" step 2, "Instances").
 */
import { MlnodeBenchError } from '../errors.js'
import type { Layout } from '../contracts/results.js'

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
  /** MLNode's cap on instances per server. @default 128 */
  instanceCap?: number
  /** When given, TP/PP are checked against the model's heads and layers. */
  model?: LayoutModel
}

/** MLNode's instance cap (docs/mlnode.md "Instances": capped at 128). */
export const DEFAULT_INSTANCE_CAP = 128

const isPositiveInt = (n: number): boolean => Number.isInteger(n) && n >= 1

/**
 * Instances and idle GPUs of a layout. Pure arithmetic: an infeasible layout (TP*PP > GPUs)
 * yields 0 instances; call `layoutProblems`/`assertLayout` to reject it.
 */
export function computeLayout(input: LayoutInput): Layout {
  const { gpuCount, tp, pp } = input
  const cap = input.instanceCap ?? DEFAULT_INSTANCE_CAP
  const gpusPerInstance = tp * pp
  const fit = gpusPerInstance > 0 ? Math.floor(gpuCount / gpusPerInstance) : 0
  const instances = Math.max(0, Math.min(cap, fit))
  return { gpuCount, gpusPerInstance, instances, idleGpus: gpuCount - instances * gpusPerInstance, tp, pp }
}

/** Every reason the layout cannot deploy, one sentence each; empty when it can. */
export function layoutProblems(input: LayoutInput): string[] {
  const { gpuCount, tp, pp, model } = input
  const cap = input.instanceCap ?? DEFAULT_INSTANCE_CAP
  const problems: string[] = []
  const subject = `tp=${tp} pp=${pp}${model?.id === undefined ? '' : ` of ${model.id}`}`
  if (!isPositiveInt(tp)) problems.push(`${subject}: TP must be a positive integer, got ${tp}`)
  if (!isPositiveInt(pp)) problems.push(`${subject}: PP must be a positive integer, got ${pp}`)
  if (!Number.isInteger(gpuCount) || gpuCount < 0) problems.push(`${subject}: GPU count must be a whole number, got ${gpuCount}`)
  if (!isPositiveInt(cap)) problems.push(`${subject}: instance cap must be a positive integer, got ${cap}`)
  if (problems.length > 0) return problems
  if (tp * pp > gpuCount) problems.push(`${subject}: needs TP*PP = ${tp * pp} GPUs per instance but the server has ${gpuCount}`)
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
      details: { gpuCount: input.gpuCount, tp: input.tp, pp: input.pp, model: input.model?.id, problems },
    })
  }
  return computeLayout(input)
}
