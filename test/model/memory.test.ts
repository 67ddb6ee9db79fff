import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { thrown } from '../helpers/thrown.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hasCode } from '../../src/errors.js'
import {
  feasibility,
  getHardwareProfile,
  getModelSpec,
  listHardwareProfiles,
  listModelSpecs,
  loadModelConfig,
  paramCounts,
  modelInstance,
  resolveEngineConfig,
} from '../../src/model/index.js'

const hw4070 = getHardwareProfile('8xrtx-4070-ti-super')
const qwq = getModelSpec('Qwen/QwQ-32B')
const args = (entries: Record<string, string | boolean>) => new Map(Object.entries(entries))


describe('catalogs', () => {
  it('has the required hardware profiles with nvidia-smi names', () => {
    const ids = listHardwareProfiles().map((p) => p.id)
    for (const id of ['8xrtx-4070-ti-super', '8xh100-sxm', '8xl40s', '8xrtx-4090', '4xrtx-3090', '1xh100-sxm', '8xl4', '8xa100-80gb']) expect(ids).toContain(id)
    expect(listHardwareProfiles()[0]!.id).toBe('8xrtx-4070-ti-super')
    expect(hw4070.gpu.name).toBe('NVIDIA GeForce RTX 4070 Ti SUPER')
    expect(hw4070.gpuCount).toBe(8)
    expect(hw4070.interconnect.p2p).toBe(false)
    expect(getHardwareProfile('8xh100-sxm').interconnect.link).toBe('nvlink4')
  })

  it('rejects unknown profiles and models, listing the known ids', () => {
    const e = thrown(() => getHardwareProfile('8xrtx-9999'))
    expect(hasCode(e, 'MLNB_MODEL')).toBe(true)
    expect(e.message).toContain('8xrtx-4070-ti-super')
    const m = thrown(() => getModelSpec('acme/NoSuchModel'))
    expect(hasCode(m, 'MLNB_MODEL')).toBe(true)
    expect(m.message).toContain('Qwen/QwQ-32B')
  })

  it('has the example models with config.json shapes and plausible parameter counts', () => {
    const ids = listModelSpecs().map((m) => m.id)
    for (const id of ['Qwen/QwQ-32B', 'Qwen/Qwen2.5-7B-Instruct', 'Qwen/Qwen3-32B', 'Qwen/Qwen3-32B-FP8', 'Qwen/Qwen3-235B-A22B', 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8', 'meta-llama/Llama-3.1-8B', 'meta-llama/Llama-3.1-70B']) {
      expect(ids).toContain(id)
    }
    // Published sizes: QwQ 32.5B, Llama 8.0B / 70.6B, Qwen3-235B-A22B 235B total / 22B active.
    expect(paramCounts(qwq).total / 1e9).toBeCloseTo(32.8, 0)
    expect(paramCounts(getModelSpec('meta-llama/Llama-3.1-8B')).total / 1e9).toBeCloseTo(8.0, 0)
    expect(paramCounts(getModelSpec('meta-llama/Llama-3.1-70B')).total / 1e9).toBeCloseTo(70.6, 0)
    const moe = paramCounts(getModelSpec('Qwen/Qwen3-235B-A22B'))
    expect(moe.total / 1e9).toBeGreaterThan(230)
    expect(moe.total / 1e9).toBeLessThan(240)
    expect(moe.active / 1e9).toBeGreaterThan(21)
    expect(moe.active / 1e9).toBeLessThan(23.5)
  })
})

describe('engine defaults', () => {
  it("applies vLLM's API-server defaults by GPU class", () => {
    const e = resolveEngineConfig(new Map(), qwq, hw4070)
    expect(e).toMatchObject({ tp: 1, pp: 1, maxNumSeqs: 256, maxNumBatchedTokens: 2048, blockSize: 16, gpuMemoryUtilization: 0.9, maxModelLen: 40960, weightBytes: 2, kvBytes: 2 })
    const h100 = resolveEngineConfig(new Map(), qwq, getHardwareProfile('8xh100-sxm'))
    expect(h100).toMatchObject({ maxNumSeqs: 1024, maxNumBatchedTokens: 8192 })
    // A100 is excluded from the large defaults (vLLM PR #17885).
    expect(resolveEngineConfig(new Map(), qwq, getHardwareProfile('8xa100-80gb')).maxNumBatchedTokens).toBe(2048)
    expect(resolveEngineConfig(new Map(), qwq, hw4070, undefined, { usageContext: 'llm-class' }).maxNumBatchedTokens).toBe(8192)
  })

  it('reads fp8 weights/KV, sizes and max-model-len spellings', () => {
    const e = resolveEngineConfig(args({ 'tensor-parallel-size': '4', 'pipeline-parallel-size': '2', quantization: 'fp8', 'kv-cache-dtype': 'fp8', 'max-model-len': '32k', 'max-num-seqs': '64' }), qwq, hw4070)
    expect(e).toMatchObject({ tp: 4, pp: 2, weightBytes: 1, kvBytes: 1, maxModelLen: 32000, maxNumSeqs: 64 })
    expect(resolveEngineConfig(args({ 'max-model-len': '32K' }), qwq, hw4070).maxModelLen).toBe(32768)
    expect(resolveEngineConfig(new Map(), getModelSpec('Qwen/Qwen3-32B-FP8'), hw4070).weightBytes).toBe(1)
    expect(resolveEngineConfig(args({ 'no-enable-prefix-caching': true }), qwq, hw4070).enablePrefixCaching).toBe(false)
    const bad = thrown(() => resolveEngineConfig(args({ 'max-num-seqs': 'many' }), qwq, hw4070))
    expect(hasCode(bad, 'MLNB_ARGS_PARSE')).toBe(true)
    expect(bad.message).toContain('--max-num-seqs')
  })
})

describe('memory planning', () => {
  const engine = (entries: Record<string, string | boolean>, hw = hw4070, model = qwq) => resolveEngineConfig(args(entries), model, hw, 'float16')

  it('plans QwQ-32B fp8 on 8x RTX 4070 Ti SUPER: weights split 8 ways, KV fills the rest', () => {
    for (const [tp, pp] of [[8, 1], [4, 2]] as const) {
      const plan = modelInstance(hw4070, qwq, engine({ 'tensor-parallel-size': String(tp), 'pipeline-parallel-size': String(pp), quantization: 'fp8', 'kv-cache-dtype': 'fp8' }))
      // ~31 GiB of fp8 linear weights + 16-bit embeddings over 8 GPUs ≈ 4 GiB each.
      expect(plan.weightsGiBPerGpu).toBeGreaterThan(3.5)
      expect(plan.weightsGiBPerGpu).toBeLessThan(4.6)
      expect(plan.weightsGiBPerGpu + plan.kvGiBPerGpu).toBeLessThan(0.9 * 16)
      expect(plan.kvCapacityTokens).toBe(plan.kvBlocks * 16)
      expect(plan.kvCapacityTokens).toBeGreaterThan(40960)
      expect(plan.instancesPerServer).toBe(1)
    }
  })

  it('fails a TP that does not divide the attention heads, with vLLM\'s message', () => {
    const e = thrown(() => modelInstance(hw4070, qwq, engine({ 'tensor-parallel-size': '3', quantization: 'fp8' })))
    expect(hasCode(e, 'MLNB_MODEL')).toBe(true)
    expect(e.message).toContain('Total number of attention heads (40) must be divisible by tensor parallel size (3).')
  })

  it('fails weights that do not fit with CUDA out of memory', () => {
    const e = thrown(() => modelInstance(hw4070, qwq, engine({ quantization: 'fp8' })))
    expect(hasCode(e, 'MLNB_MODEL')).toBe(true)
    expect(e.message).toMatch(/^Qwen\/QwQ-32B tp=1 pp=1 on 8xrtx-4070-ti-super: CUDA out of memory\./)
  })

  it('fails when weights fit but the utilisation budget leaves no KV memory', () => {
    // TP2 fp8: ~16 GiB of weights per GPU does not fit 16 GB; TP4 fp8 = ~8 GiB fits, util 0.5 leaves nothing.
    const problems = feasibility(hw4070, qwq, engine({ 'tensor-parallel-size': '4', quantization: 'fp8', 'gpu-memory-utilization': '0.5' }))
    expect(problems.map((p) => p.kind)).toEqual(['no-kv-memory'])
    expect(problems[0]!.message).toContain('No available memory for the cache blocks')
  })

  it('fails a max_model_len larger than the KV capacity, estimating the length that fits', () => {
    const hw = getHardwareProfile('1xh100-sxm')
    const problems = feasibility(hw, qwq, engine({}, hw))
    expect(problems.map((p) => p.kind)).toEqual(['kv-too-small'])
    expect(problems[0]!.message).toMatch(/To serve at least one request with the models's max seq len \(40960\).*estimated maximum model length is \d+/)
    // Lowering max_model_len to what fits makes it feasible.
    const fits = Number(/estimated maximum model length is (\d+)/.exec(problems[0]!.message)![1])
    expect(feasibility(hw, qwq, engine({ 'max-model-len': String(fits) }, hw))).toEqual([])
  })

  it('fails max_model_len above max_position_embeddings and more GPUs than the box has', () => {
    expect(feasibility(hw4070, qwq, engine({ 'tensor-parallel-size': '8', quantization: 'fp8', 'max-model-len': '50000' })).map((p) => p.kind)).toContain('max-model-len')
    expect(feasibility(hw4070, qwq, engine({ 'tensor-parallel-size': '8', 'pipeline-parallel-size': '2', quantization: 'fp8' })).map((p) => p.kind)).toContain('gpus')
  })

  it('knows block-wise FP8 checkpoints need whole blocks per TP shard (Qwen3-235B FP8: TP4 on 8xH100, not TP8)', () => {
    const hw = getHardwareProfile('8xh100-sxm')
    const model = getModelSpec('Qwen/Qwen3-235B-A22B-Instruct-2507-FP8')
    const tp8 = feasibility(hw, model, engine({ 'tensor-parallel-size': '8', 'max-model-len': '200000' }, hw, model))
    expect(tp8[0]!.message).toContain('is not divisible by weight quantization block_n = 128')
    // 160000 tokens fit; the profile-run peak (5.5 GiB of sampler warm-up with 1024 sequences,
    // plus the MoE start-up reserve) leaves about 189k (vLLM logged 178,880: issue #21348).
    expect(feasibility(hw, model, engine({ 'tensor-parallel-size': '4', 'max-model-len': '160000' }, hw, model))).toEqual([])
  })
})

describe('loadModelConfig', () => {
  const dirs: string[] = []
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })
  async function write(content: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mlnb-model-'))
    dirs.push(dir)
    const file = join(dir, 'config.json')
    await writeFile(file, content)
    return file
  }

  it('reads a HF config.json (MoE and FP8 fields included)', async () => {
    const file = await write(JSON.stringify({
      num_hidden_layers: 94, hidden_size: 4096, intermediate_size: 12288, num_attention_heads: 64, num_key_value_heads: 4, head_dim: 128,
      vocab_size: 151936, max_position_embeddings: 262144, tie_word_embeddings: false, torch_dtype: 'bfloat16',
      num_experts: 128, num_experts_per_tok: 8, moe_intermediate_size: 1536,
      quantization_config: { quant_method: 'fp8', weight_block_size: [128, 128] },
    }))
    const spec = await loadModelConfig(file)
    expect(spec).toMatchObject({ numLayers: 94, headDim: 128, checkpointQuantization: 'fp8', weightBlockSize: [128, 128], moe: { numExperts: 128, numExpertsPerTok: 8, moeIntermediateSize: 1536 } })
  })

  it('names the file and the field when one is wrong or missing', async () => {
    const missing = await write(JSON.stringify({ hidden_size: 4096, num_attention_heads: 32 }))
    await expect(loadModelConfig(missing)).rejects.toMatchObject({ code: 'MLNB_MODEL', message: `${missing}: field "num_hidden_layers" is missing` })
    const wrong = await write(JSON.stringify({ num_hidden_layers: 'x', hidden_size: 4096, num_attention_heads: 32 }))
    await expect(loadModelConfig(wrong)).rejects.toMatchObject({ message: expect.stringContaining('"num_hidden_layers" must be a positive integer') })
    const notJson = await write('{nope')
    await expect(loadModelConfig(notJson)).rejects.toMatchObject({ code: 'MLNB_MODEL', message: expect.stringContaining(`${notJson}: not valid JSON`) })
  })
})
