/**
 * Whether a variant can start on a box, before anything is deployed: the deploy plan's layout
 * (MLNode's instance rule, DP) plus the memory model's start-up checks (heads, KV heads, out of
 * memory, max model len), each with the message vLLM or MLNode would give.
 */
import { placeDeployPlan, type DeployPlan } from '../args/deploy-plan.js'
import { hasCode } from '../errors.js'
import type { ModelConstants } from './constants.js'
import { resolveEngineConfig } from './engine.js'
import type { HardwareProfile } from './hardware.js'
import { planMemory, type FeasibilityProblem } from './memory.js'
import type { ModelSpec } from './models.js'
import type { EngineConfig } from './types.js'

export interface VariantFeasibility {
  /** The engine the args resolve to; absent when the args themselves are bad. */
  engine?: EngineConfig
  /** Instances MLNode starts on the box. */
  instances: number
  /** Empty when the variant starts. */
  problems: FeasibilityProblem[]
}

/** Every reason `plan` would not start on `hardware` (empty when it would). Never throws for a bad variant. */
export function checkVariant(hardware: HardwareProfile, model: ModelSpec, plan: DeployPlan, dtype: string, constants: ModelConstants = {}): VariantFeasibility {
  const placed = placeDeployPlan(plan, hardware.gpuCount)
  const problems: FeasibilityProblem[] = []
  if (plan.dp > 1) {
    problems.push({
      kind: 'data-parallel',
      message: `--data-parallel-size ${plan.dp} needs TP*PP*DP = ${plan.gpusPerInstance} GPUs per instance, but MLNode makes only TP*PP = ${plan.tp * plan.pp} visible to each instance.`,
    })
  }
  let engine: EngineConfig
  try {
    engine = resolveEngineConfig(plan.args.values, model, hardware, dtype)
  } catch (error) {
    if (!hasCode(error, 'MLNB_ARGS_PARSE')) throw error
    return { instances: placed.layout.instances, problems: [...problems, { kind: 'args', message: (error as Error).message }] }
  }
  problems.push(...planMemory(hardware, model, engine, constants).problems)
  return { engine, instances: placed.layout.instances, problems }
}

/** One line naming the variant's problems, for errors and tables. */
export function describeProblems(problems: readonly FeasibilityProblem[]): string {
  return problems.map((p) => `${p.kind}: ${p.message}`).join('; ')
}
