/**
 * The memory lines a vLLM replica logs at start-up (formats of vllm/v1/core/kv_cache_utils.py,
 * vllm/v1/worker/gpu_worker.py and gpu_model_runner.py), written by the simulator from its own
 * plan so a suite's `logCommand` can read them as from a real node. Marked "(simulated vLLM)":
 * their figures are the performance model's, not a GPU's.
 */
import type { InstanceModel } from '../model/types.js'

export function startupLogLines(plan: InstanceModel, replica: number): string[] {
  const tokens = plan.kvBlocks * plan.engine.blockSize
  const head = `(simulated vLLM replica ${replica}) INFO`
  return [
    `${head} [gpu_model_runner.py] Model loading took ${plan.weightsGiBPerGpu.toFixed(4)} GiB and 0.000000 seconds`,
    `${head} [gpu_worker.py] Available KV cache memory: ${plan.kvGiBPerGpu.toFixed(2)} GiB`,
    `${head} [kv_cache_utils.py] GPU KV cache size: ${tokens.toLocaleString('en-US')} tokens`,
    `${head} [kv_cache_utils.py] Maximum concurrency for ${plan.engine.maxModelLen.toLocaleString('en-US')} tokens per request: ${(tokens / plan.engine.maxModelLen).toFixed(2)}x`,
  ]
}
