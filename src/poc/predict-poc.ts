/**
 * The performance model's price of PoC v2 (docs/poc.md "The model's price"): every backend runs
 * one forward pass of batch_size × seq_len tokens per batch, a prefill with nothing cached
 * (gonka-ai/vllm vllm/poc/poc_model_runner.py), so one batch costs the step cost of that prefill
 * and a node of N replicas yields N × batch_size nonces per batch time. PREDICTED, not measured.
 */
import { parseVllmArgs } from '../args/index.js'
import type { BenchPrediction } from '../contracts/results.js'
import { getModelSpec, instancesPerServer, modelInstance, resolveEngineConfig, type HardwareProfile, type ModelConstants } from '../model/index.js'
import type { InstanceModel } from '../model/types.js'

/** POC_BATCH_SIZE_DEFAULT (gonka-ai/vllm vllm/poc/routes.py) and MLNode's batch_size default. */
export const DEFAULT_POC_BATCH_SIZE = 32

export interface PocPrediction {
  seqLen: number
  batchSize: number
  /** Seconds of one batch's forward pass on one replica. */
  batchS: number
  noncesPerMin: number
  noncesPerMinPerGpu: number
  /** batch_size × seq_len ≤ max_num_batched_tokens; hosts report larger PoC batches hanging the engine. */
  fitsBatchedTokens: boolean
  maxNumBatchedTokens: number
}

export function predictPoc(input: { plan: Pick<InstanceModel, 'stepCost' | 'engine'>; instances: number; gpus: number; seqLen: number; batchSize?: number }): PocPrediction {
  const batchSize = input.batchSize ?? DEFAULT_POC_BATCH_SIZE
  const batchS = input.plan.stepCost({ prefill: Array.from({ length: batchSize }, () => ({ tokens: input.seqLen, contextBefore: 0 })), decode: [] })
  const noncesPerMin = (input.instances * batchSize * 60) / batchS
  const maxNumBatchedTokens = input.plan.engine.maxNumBatchedTokens
  return {
    seqLen: input.seqLen,
    batchSize,
    batchS,
    noncesPerMin,
    noncesPerMinPerGpu: input.gpus > 0 ? noncesPerMin / input.gpus : 0,
    fitsBatchedTokens: batchSize * input.seqLen <= maxNumBatchedTokens,
    maxNumBatchedTokens,
  }
}

/** One line for people, labelled as a prediction. */
export function pocPredictionLine(p: PocPrediction): string {
  const rate = `${p.noncesPerMin.toFixed(0)} nonces/min (${p.noncesPerMinPerGpu.toFixed(1)} per GPU)`
  const fit = p.fitsBatchedTokens
    ? ''
    : `; WARNING: batch ${p.batchSize} × seq_len ${p.seqLen} = ${p.batchSize * p.seqLen} tokens > max_num_batched_tokens ${p.maxNumBatchedTokens}: hosts report such PoC batches hang the engine (docs/poc.md)`
  return `PoC v2 (PREDICTED, simulated): ${rate} at seq_len ${p.seqLen}, batch ${p.batchSize}, ${(p.batchS * 1000).toFixed(1)} ms per batch per replica${fit}`
}

/**
 * The model's PoC price for one bench of a real run (the variant's args on the box the target
 * reported), kept beside the measured nonces/min as `poc_nonces_per_min`; undefined when the
 * model or the variant is not one the performance model can place.
 */
export async function predictPocBench(input: { box: HardwareProfile; model: string; dtype: string; args: readonly string[]; seqLen: number; batchSize?: number; constants?: ModelConstants }): Promise<BenchPrediction | undefined> {
  try {
    const model = getModelSpec(input.model)
    const args = parseVllmArgs([...input.args], { source: `${input.model} prediction` })
    const engine = resolveEngineConfig(args.values, model, input.box, input.dtype)
    const plan = modelInstance(input.box, model, engine, input.constants ? { constants: input.constants } : {})
    const p = predictPoc({ plan, instances: instancesPerServer(input.box, engine), gpus: input.box.gpuCount, seqLen: input.seqLen, ...(input.batchSize === undefined ? {} : { batchSize: input.batchSize }) })
    return { hardware: input.box.id, calibrated: input.constants !== undefined, figures: { poc_nonces_per_min: p.noncesPerMin } }
  } catch {
    return undefined
  }
}
