/**
 * The default VariantPlanner: MLNode's layout rule on top of src/args (parsing, TP/PP) and
 * src/model (catalog, engine defaults, memory plan with vLLM's start-up errors, step cost).
 * Any error on the way (unparseable args, unknown model, OOM, TP not dividing the heads) makes
 * the variant one that vLLM would exit on, exactly like the real server: the message only goes
 * to the simulator log, the API says "vLLM process exited prematurely: None".
 */
import { parallelismOf, parseVllmArgs } from '../args/index.js'
import { getHardwareProfile, getModelSpec, planInstance, resolveEngineConfig } from '../model/index.js'
import { failureMessage, instancesFor, type DeployRequest, type PlannedVariant } from './variant.js'

/** Plans a deploy request on a hardware profile; never throws for a variant vLLM cannot run. */
export function defaultPlanner(request: DeployRequest, hardwareId: string): PlannedVariant {
  const hardware = getHardwareProfile(hardwareId)
  let tp = 1
  let pp = 1
  let servedModel = request.model
  let instances = hardware.gpuCount
  try {
    const parsed = parseVllmArgs(request.additionalArgs, { source: `additional_args of ${request.model}` })
    ;({ tp, pp } = parallelismOf(parsed))
    const served = parsed.values.get('served-model-name')
    if (typeof served === 'string' && served.trim() !== '') servedModel = served.trim().split(/\s+/)[0]!
    instances = instancesFor(hardware.gpuCount, tp, pp)
    if (instances < 1) {
      return { servedModel, tp, pp, instances, failure: `tensor_parallel_size (${tp}) x pipeline_parallel_size (${pp}) = ${tp * pp} exceeds the ${hardware.gpuCount} GPUs of ${hardware.id}` }
    }
    const model = getModelSpec(request.model)
    const engine = resolveEngineConfig(parsed.values, model, hardware, request.dtype)
    const plan = planInstance(hardware, model, engine)
    return { servedModel, tp, pp, instances, plan }
  } catch (error) {
    return { servedModel, tp, pp, instances, failure: failureMessage(error) }
  }
}
