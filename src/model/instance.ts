/**
 * One vLLM instance of a variant as the performance model sees it ("instance", not "plan": the
 * `plan` command is src/planner): what it holds, how fast it steps, how many MLNode starts.
 */
import { instancesOnServer } from '../contracts/deploy-plan.js'
import { MlnodeBenchError } from '../errors.js'
import type { ModelConstants } from './constants.js'
import { createStepCostModel, type StepCostModel } from './cost.js'
import type { HardwareProfile } from './hardware.js'
import { planMemory, type FeasibilityProblem, type MemoryPlan } from './memory.js'
import type { ModelSpec } from './models.js'
import type { EngineConfig, InstanceModel } from './types.js'

/** Options of modelInstance / feasibility. */
export interface InstanceOptions {
  /** Overrides of the model's constants (efficiencies, overheads, micro-batches…). */
  constants?: ModelConstants
  /**
   * Problem kinds to model through instead of throwing: a memory margin within the model's known
   * error (feasible.ts), priced as the model predicts it. @default none
   */
  accept?: ReadonlyArray<FeasibilityProblem['kind']>
}

/** An InstanceModel plus the hardware and model it was built from and the memory details. */
export interface ModelInstance extends InstanceModel {
  hardware: HardwareProfile
  model: ModelSpec
  memory: MemoryPlan
  /** KV tokens the instance holds (kvBlocks × blockSize). */
  kvCapacityTokens: number
  /** Instances MLNode starts on this hardware (`instancesOnServer`). */
  instancesPerServer: number
  /** Step-cost breakdown for reports and tests. */
  costModel: StepCostModel
}

/** Instances MLNode starts on this hardware: the one rule (`instancesOnServer`, src/contracts/deploy-plan.ts). */
export function instancesPerServer(hardware: HardwareProfile, engine: Pick<EngineConfig, 'tp' | 'pp'>): number {
  return instancesOnServer(hardware.gpuCount, engine.tp * engine.pp)
}

/** Every reason this variant would fail to start on this hardware (empty when it starts). */
export function feasibility(hardware: HardwareProfile, model: ModelSpec, engine: EngineConfig, options: InstanceOptions = {}): FeasibilityProblem[] {
  return planMemory(hardware, model, engine, options.constants).problems
}

/**
 * The performance model of one vLLM instance of a variant: memory (weights per GPU, activation reserve,
 * gpu_memory_utilization, KV blocks → capacity) and its step cost.
 * @throws MlnodeBenchError 'MLNB_MODEL' with vLLM's start-up message when the variant cannot
 *   start (details.problems lists every problem found).
 */
export function modelInstance(hardware: HardwareProfile, model: ModelSpec, engine: EngineConfig, options: InstanceOptions = {}): ModelInstance {
  const memory = planMemory(hardware, model, engine, options.constants)
  const first = memory.problems.find((p) => !options.accept?.includes(p.kind))
  if (first !== undefined) {
    throw new MlnodeBenchError('MLNB_MODEL', `${model.id} tp=${engine.tp} pp=${engine.pp} on ${hardware.id}: ${first.message}`, {
      details: { model: model.id, hardware: hardware.id, tp: engine.tp, pp: engine.pp, problems: memory.problems },
    })
  }
  const costModel = createStepCostModel(hardware, model, engine, options.constants)
  const microBatches = engine.pp > 1 ? Math.max(1, costModel.constants.ppMicroBatches ?? engine.pp) : 1
  return {
    roundTokenBudget: engine.maxNumBatchedTokens * microBatches,
    requestOverheadS: costModel.constants.requestOverheadS,
    engine,
    kvBlocks: memory.kvBlocks,
    weightsGiBPerGpu: memory.weightsGiBPerGpu,
    kvGiBPerGpu: memory.kvGiBPerGpu,
    stepCost: costModel.stepCost,
    hardware,
    model,
    memory,
    kvCapacityTokens: memory.kvCapacityTokens,
    instancesPerServer: instancesPerServer(hardware, engine),
    costModel,
  }
}
