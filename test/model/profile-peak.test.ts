import { describe, expect, it } from 'vitest'
import { feasibility, getHardwareProfile, getModelSpec, planMemory, resolveEngineConfig } from '../../src/model/index.js'

const h100 = getHardwareProfile('1xh100-sxm')
const h100x8 = getHardwareProfile('8xh100-sxm')

function plan(hwId: 'h100' | 'h100x8', modelId: string, args: Record<string, string>) {
  const hw = hwId === 'h100' ? h100 : h100x8
  const model = getModelSpec(modelId)
  const engine = resolveEngineConfig(new Map(Object.entries(args)), model, hw)
  return { hw, model, engine, memory: planMemory(hw, model, engine) }
}

// vLLM v0.11.0 start-up logs on one H100 80GB with `vllm serve` defaults (8192 batched tokens,
// 1024 sequences), published in llm-d/llm-d-benchmark config_explorer/empirical-vllm-memory-results.md:
// "Actual usage is <weights>, <peak activation>, <non-torch memory> ... Available KV cache memory".
describe("vLLM's profile-run peak (max of the forward pass and the dummy sampler run)", () => {
  it.each([
    ['meta-llama/Llama-3.1-8B', {}, 4.76],
    ['Qwen/Qwen3-32B', {}, 5.64],
    ['Qwen/Qwen3-32B', { 'tensor-parallel-size': '2' }, 5.64],
  ] as const)('%s %j: peak activation within 3 percent of the logged %f GiB', (modelId, args, loggedGiB) => {
    const { memory } = plan('h100x8', modelId, { 'max-model-len': '16000', ...args })
    const stage = memory.stages[0]!
    expect(Math.abs(stage.activationGiB / loggedGiB - 1)).toBeLessThan(0.03)
    // The sampler warm-up (1024 rows of logits, sorted for top-p) dominates at these defaults.
    expect(stage.activationGiB).toBe(stage.samplerGiB)
  })

  it('reserves the larger phase, not the sum of both', () => {
    // A budget of many tokens and few sequences makes the forward pass the larger phase.
    const forwardHeavy = plan('h100', 'Qwen/Qwen3-32B', { 'max-model-len': '16000', 'max-num-batched-tokens': '32768', 'max-num-seqs': '16' }).memory.stages[0]!
    expect(forwardHeavy.forwardGiB).toBeGreaterThan(forwardHeavy.samplerGiB)
    expect(forwardHeavy.activationGiB).toBe(forwardHeavy.forwardGiB)
    const defaults = plan('h100', 'Qwen/Qwen3-32B', { 'max-model-len': '16000' }).memory.stages[0]!
    expect(defaults.activationGiB).toBe(Math.max(defaults.forwardGiB, defaults.samplerGiB))
    expect(defaults.activationGiB).toBeLessThan(defaults.forwardGiB + defaults.samplerGiB)
  })

  it('puts the sampler peak only on the last pipeline stage', () => {
    const { memory } = plan('h100x8', 'meta-llama/Llama-3.1-70B', { 'pipeline-parallel-size': '2', 'max-model-len': '8192' })
    expect(memory.stages[0]!.samplerGiB).toBe(0)
    expect(memory.stages[1]!.samplerGiB).toBeGreaterThan(4)
    expect(memory.stages[0]!.activationGiB).toBeLessThan(memory.stages[1]!.activationGiB)
  })

  it("leaves the KV cache vLLM logged, less the budget-base difference (nvidia-smi's total is 0.47 GiB above CUDA's)", () => {
    // Logged: Qwen3-32B 4.45 GiB (TP1), 34.49 GiB (TP2); Llama-3.1-8B 51.38 GiB.
    expect(plan('h100', 'Qwen/Qwen3-32B', { 'max-model-len': '16000' }).memory.kvGiBPerGpu).toBeCloseTo(4.45 + 0.42, 0)
    expect(plan('h100x8', 'Qwen/Qwen3-32B', { 'max-model-len': '16000', 'tensor-parallel-size': '2' }).memory.kvGiBPerGpu).toBeCloseTo(34.49 + 0.42, 0)
    expect(plan('h100', 'meta-llama/Llama-3.1-8B', { 'max-model-len': '16000' }).memory.kvGiBPerGpu).toBeCloseTo(51.38 + 0.42, 0)
  })

  it('accepts and refuses the setups vLLM v0.11.0 accepted and refused on one H100', () => {
    const qwen = getModelSpec('Qwen/Qwen3-32B')
    const engine = (args: Record<string, string>, modelId = 'Qwen/Qwen3-32B') => resolveEngineConfig(new Map(Object.entries(args)), getModelSpec(modelId), h100)
    // Ran with --max-model-len 16000; failed with 32000 (KV cache too small).
    expect(feasibility(h100, qwen, engine({ 'max-model-len': '16000' }))).toEqual([])
    expect(feasibility(h100, qwen, engine({ 'max-model-len': '32000' })).map((p) => p.kind)).toEqual(['kv-too-small'])
    // Llama-3.3-70B FP8 (the Llama-3.1-70B shapes) on one GPU: "No available memory for the cache blocks".
    const llama = getModelSpec('meta-llama/Llama-3.1-70B')
    const refused = feasibility(h100, llama, engine({ 'max-model-len': '16000', quantization: 'fp8' }, 'meta-llama/Llama-3.1-70B'))
    expect(refused.map((p) => p.kind)).toEqual(['no-kv-memory'])
    expect(refused[0]!.message).toContain('No available memory for the cache blocks')
  })
})
