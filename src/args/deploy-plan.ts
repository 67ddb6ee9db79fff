/**
 * A variant's deploy plan, computed once from its args and passed down to whoever deploys,
 * waits for, simulates or predicts it: the parsed args, the two-token form MLNode receives,
 * TP/PP/DP, the names `/v1/models` will list, and (once the GPU count is known) the layout.
 */
import type { DeployPlanShape } from '../contracts/deploy-plan.js'
import type { Layout } from '../contracts/results.js'
import { computeLayout, layoutProblems, type LayoutModel } from './layout.js'
import { parallelismOf } from './parallelism.js'
import { toMlnodeArgs, type ParsedArgs } from './parse.js'

/** The shape MLNode sees (src/contracts/deploy-plan.ts) and the parsed args it came from. */
export interface DeployPlan extends DeployPlanShape {
  args: ParsedArgs
}

/** A deploy plan placed on a server of known GPU count. */
export interface PlacedDeployPlan extends DeployPlan {
  layout: Layout
  /** Why this layout cannot start (empty when it can). */
  problems: string[]
}

/**
 * The plan of one variant from its parsed args.
 * @throws MlnodeBenchError `MLNB_ARGS_PARSE` when TP/PP/DP is not a positive integer.
 */
export function planDeploy(model: string, args: ParsedArgs): DeployPlan {
  const { tp, pp, dp } = parallelismOf(args)
  const served = args.values.get('served-model-name')
  // nargs='+': the parser joins the names with spaces; vLLM lists every one of them.
  const names = typeof served === 'string' ? served.split(' ').filter(Boolean) : []
  return {
    model,
    args,
    mlnodeArgs: toMlnodeArgs(args),
    tp,
    pp,
    dp,
    gpusPerInstance: tp * pp * dp,
    servedModelNames: names.length > 0 ? names : [model],
  }
}

/** Places a plan on `gpuCount` GPUs: instances, idle GPUs, and every reason it cannot start. */
export function placeDeployPlan(plan: DeployPlan, gpuCount: number, options: { instanceCap?: number; model?: LayoutModel } = {}): PlacedDeployPlan {
  const input = {
    gpuCount,
    tp: plan.tp,
    pp: plan.pp,
    dp: plan.dp,
    ...(options.instanceCap === undefined ? {} : { instanceCap: options.instanceCap }),
    ...(options.model === undefined ? {} : { model: options.model }),
  }
  return { ...plan, layout: computeLayout(input), problems: layoutProblems(input) }
}
