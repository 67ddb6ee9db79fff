/**
 * The default VariantResolver: MLNode's layout rule on top of src/args (parsing, TP/PP) and
 * src/model (catalog, engine defaults, memory plan with vLLM's start-up errors, step cost).
 * Any error on the way (unparseable args, unknown model, OOM, TP not dividing the heads) makes
 * the variant one that vLLM would exit on, exactly like the real server: the message only goes
 * to the simulator log, the API says "vLLM process exited prematurely: None".
 */
import { instancesOnServer, parseVllmArgs, planDeploy } from '../args/index.js'
import { getHardwareProfile, getModelSpec, modelInstance, resolveEngineConfig, uncertainPricing, uncertainProblems, type ModelConstants } from '../model/index.js'
import { failureMessage, type DeployRequest, type ResolvedVariant, type VariantResolver } from './variant.js'

/** A resolver whose performance model uses these constants (a box's calibration). */
export function createVariantResolver(constants: ModelConstants = {}): VariantResolver {
  return (request, hardwareId) => resolveVariant(request, hardwareId, constants)
}

/** Resolves a deploy request on a hardware profile with the default constants. */
export const defaultVariantResolver: VariantResolver = createVariantResolver()

/** Resolves a deploy request on a hardware profile; never throws for a variant vLLM cannot run. */
function resolveVariant(request: DeployRequest, hardwareId: string, constants: ModelConstants): ResolvedVariant {
  const hardware = getHardwareProfile(hardwareId)
  let tp = 1
  let pp = 1
  let servedModel = request.model
  let instances = hardware.gpuCount
  try {
    const plan = planDeploy(request.model, parseVllmArgs(request.additionalArgs, { source: `additional_args of ${request.model}` }))
    ;({ tp, pp } = plan)
    servedModel = plan.servedModelNames[0]!
    // MLNode sizes instances by TP*PP only; a DP > 1 instance sees too few GPUs and vLLM exits.
    instances = instancesOnServer(hardware.gpuCount, tp * pp)
    if (plan.dp > 1) {
      return { servedModel, tp, pp, instances, failure: `data_parallel_size (${plan.dp}) x tensor_parallel_size (${tp}) x pipeline_parallel_size (${pp}) = ${plan.gpusPerInstance} GPUs, but MLNode makes only ${tp * pp} visible to each instance` }
    }
    if (instances < 1) {
      return { servedModel, tp, pp, instances, failure: `tensor_parallel_size (${tp}) x pipeline_parallel_size (${pp}) = ${tp * pp} exceeds the ${hardware.gpuCount} GPUs of ${hardware.id}` }
    }
    const model = getModelSpec(request.model)
    const engine = resolveEngineConfig(plan.args.values, model, hardware, request.dtype)
    // A memory margin within the model's known error starts, as the real node may (docs/perf-model.md §5c).
    const pricing = uncertainPricing(engine, uncertainProblems(hardware, model, engine, constants))
    return { servedModel, tp, pp, instances, plan: modelInstance(hardware, model, pricing.engine, { constants, accept: pricing.accept }) }
  } catch (error) {
    return { servedModel, tp, pp, instances, failure: failureMessage(error) }
  }
}
