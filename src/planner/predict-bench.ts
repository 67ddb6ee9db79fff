/**
 * The performance model's prediction for one bench of a real run: the variant's args on the box
 * the target reported, the workload as measured. Set beside the measured figures on every run
 * whose hardware is known, so the model's accuracy on real boxes is tracked over time.
 */
import { parseVllmArgs } from '../args/index.js'
import type { BenchPrediction } from '../contracts/results.js'
import type { WorkloadSpec } from '../contracts/workload.js'
import { getModelSpec, instancesPerServer, modelInstance, resolveEngineConfig, uncertainPricing, uncertainProblems, type HardwareProfile, type ModelConstants } from '../model/index.js'
import { predictWorkloads, simulatedWorkload } from './predict-core.js'

export interface BenchPredictionInput {
  box: HardwareProfile
  model: string
  dtype: string
  /** The variant's args as sent to MLNode. */
  args: readonly string[]
  spec: WorkloadSpec
  /** Calibrated constants of this box (mlnode-bench calibrate), else the model's defaults. */
  constants?: ModelConstants
}

/** The prediction, or undefined when the model is not in the catalog or cannot place the variant. */
export async function predictBench(input: BenchPredictionInput): Promise<BenchPrediction | undefined> {
  let model
  try {
    model = getModelSpec(input.model)
  } catch {
    return undefined
  }
  try {
    const args = parseVllmArgs([...input.args], { source: `${input.model} prediction` })
    const engine = resolveEngineConfig(args.values, model, input.box, input.dtype)
    // It started although the model gave it a memory margin within its known error: priced as predicted.
    const pricing = uncertainPricing(engine, uncertainProblems(input.box, model, engine, input.constants))
    const plan = modelInstance(input.box, model, pricing.engine, { ...(input.constants ? { constants: input.constants } : {}), accept: pricing.accept })
    const workload = await simulatedWorkload(input.spec)
    const [prediction] = predictWorkloads({ plan, instances: instancesPerServer(input.box, engine), workloads: [workload], ...(input.spec.slo ? { slo: input.spec.slo } : {}) })
    return { hardware: input.box.id, calibrated: input.constants !== undefined, figures: { ...prediction!.figures } }
  } catch {
    // A variant the model cannot place was refused before deploying; anything else is no prediction.
    return undefined
  }
}
