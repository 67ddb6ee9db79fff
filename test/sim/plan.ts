/**
 * A hand-built InstanceModel for the simulator's tests, independent of src/model. Its documented
 * step cost: 10 ms fixed + 0.1 ms per prefill token + 0.2 ms per decoding sequence
 * + 1 µs per token of decode context (a crude roofline: prefill compute-bound, decode
 * weight-read-bound plus a KV-read term).
 */
import { instancesOnServer, parseVllmArgs, planDeploy } from '../../src/args/index.js'
import type { EngineConfig, InstanceModel, StepBatch } from '../../src/model/types.js'
import type { VariantResolver } from '../../src/sim/variant.js'

export function testStepCostS(batch: StepBatch): number {
  let s = 0.01
  for (const p of batch.prefill) s += 0.0001 * p.tokens
  for (const d of batch.decode) s += 0.0002 + 0.000001 * d.contextLen
  return s
}

export function testPlan(engine: Partial<EngineConfig> = {}, kvBlocks = 4096): InstanceModel {
  return {
    engine: {
      tp: 1,
      pp: 1,
      maxNumSeqs: 256,
      maxNumBatchedTokens: 8192,
      maxModelLen: 32768,
      blockSize: 16,
      gpuMemoryUtilization: 0.9,
      weightBytes: 2,
      kvBytes: 2,
      enableChunkedPrefill: true,
      enablePrefixCaching: false,
      ...engine,
    },
    kvBlocks,
    weightsGiBPerGpu: 10,
    kvGiBPerGpu: 4,
    stepCost: testStepCostS,
  }
}

/**
 * A planner over the hand-built test plan: TP/PP from the args, MLNode's instance rule, and
 * model "bad/model" failing as an OOM would.
 */
export const testPlanner: VariantResolver = (request, hardwareId) => {
  const { tp, pp, gpusPerInstance } = planDeploy(request.model, parseVllmArgs(request.additionalArgs))
  const gpus = hardwareId.startsWith('8x') ? 8 : 1
  const instances = instancesOnServer(gpus, gpusPerInstance)
  if (instances < 1 || request.model === 'bad/model') return { servedModel: request.model, tp, pp, instances, failure: 'CUDA out of memory' }
  return { servedModel: request.model, tp, pp, instances, plan: testPlan({ tp, pp, maxModelLen: 8192 }) }
}
