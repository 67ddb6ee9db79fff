import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createStepCostModel, getHardwareProfile, getModelSpec, loadModelConfig, paramCounts, modelInstance, planMemory, resolveEngineConfig } from '../../src/model/index.js'
import type { ModelSpec } from '../../src/model/index.js'
import { expertShareOfBusiestGpu } from '../../src/model/memory.js'
import { parseWeightFormat } from '../../src/model/weight-format.js'

const GiB = 1024 ** 3
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/configs/${name}.config.json`, import.meta.url))

function weightsPerGpuGiB(model: ModelSpec, hwId: string, tp: number, extra: Record<string, string> = {}): number {
  const hw = getHardwareProfile(hwId)
  const engine = resolveEngineConfig(new Map([...Object.entries(extra), ['tensor-parallel-size', String(tp)], ['max-model-len', '8192']]), model, hw, 'auto')
  return modelInstance(hw, model, engine).weightsGiBPerGpu
}

/**
 * The published configs (test/fixtures/configs, README there for the sources), their published
 * sizes, and a layout that starts. `checkpointBytes` is what vLLM loads of the published
 * checkpoint: the params the model page states × the bytes of the published dtype (see the README
 * for each figure), less multi-token-prediction layers vLLM does not load for serving.
 */
const MODELS = [
  // mistral.ai/news/mixtral-of-experts: 46.7B total, 12.9B per token; BF16 checkpoint.
  { file: 'mixtral-8x7b', id: 'mistralai/Mixtral-8x7B-v0.1', totalB: 46.7, activeB: 12.9, checkpointBytes: 46.7e9 * 2, hw: '2xh100-sxm', tp: 2 },
  // DeepSeek-V3 README: 671B total (685B on the page = 671B main + 14B MTP), 37B activated; FP8.
  { file: 'deepseek-v3', id: 'deepseek-ai/DeepSeek-V3', totalB: 671, activeB: 37, checkpointBytes: (685e9 - 14e9) * 1, hw: '8xh200', tp: 8 },
  // Kimi-K2 family: 1T total, 32B activated. Checkpoint: 550 GiB (wafer-ai/Kimi-K2.6-NVFP4, whose
  // experts cost the same 0.5625 B/weight as the INT4-g32 original and keep the same BF16 layers).
  { file: 'kimi-k2.6', id: 'moonshotai/Kimi-K2.6', totalB: 1000, activeB: 32, checkpointBytes: 550 * GiB, hw: '8xh200', tp: 8 },
  // MiniMax-M2.7: 458 GB as BF16 (operationrange/MiniMax-M2.7-BF16) = 229B params; FP8 checkpoint.
  { file: 'minimax-m2.7', id: 'MiniMaxAI/MiniMax-M2.7', totalB: 229, activeB: 10, checkpointBytes: 229e9 * 1, hw: '4xh100-sxm', tp: 4 },
  // Qwen3-235B-A22B README: 235B total, 22B activated; FP8 checkpoint.
  { file: 'qwen3-235b-a22b-instruct-2507-fp8', id: 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8', totalB: 235, activeB: 22, checkpointBytes: 235e9 * 1, hw: '4xh100-sxm', tp: 4 },
] as const

describe('published config.json files', () => {
  for (const m of MODELS) {
    describe(m.id, () => {
      it('reads to the same spec as the catalog entry (one parser)', async () => {
        const fromFile = await loadModelConfig(fixture(m.file))
        const catalog = getModelSpec(m.id)
        expect({ ...fromFile, id: catalog.id }).toEqual(catalog)
      })

      it(`has the published parameter count (${m.totalB}B total, ${m.activeB}B active) within 5%`, () => {
        const p = paramCounts(getModelSpec(m.id))
        expect(p.total / 1e9).toBeGreaterThan(m.totalB * 0.95)
        expect(p.total / 1e9).toBeLessThan(m.totalB * 1.05 + 30) // Kimi: "1T" is rounded (1.03T counted)
        // Model cards count activated parameters without the input embedding table (a lookup).
        const active = (p.active - p.embedding) / 1e9
        expect(active).toBeGreaterThan(m.activeB * 0.95)
        expect(active).toBeLessThan(m.activeB * 1.05)
      })

      it(`plans weights per GPU within 5% of the checkpoint over TP${m.tp}`, () => {
        const perGpu = weightsPerGpuGiB(getModelSpec(m.id), m.hw, m.tp)
        const expected = m.checkpointBytes / m.tp / GiB
        expect(Math.abs(perGpu - expected) / expected, `${perGpu.toFixed(2)} GiB vs ${expected.toFixed(2)} GiB`).toBeLessThan(0.05)
      })
    })
  }

  it('no longer takes Mixtral for a dense model: ~43 GiB per GPU at TP2, not 6.7', () => {
    expect(weightsPerGpuGiB(getModelSpec('mistralai/Mixtral-8x7B-v0.1'), '2xh100-sxm', 2)).toBeGreaterThan(40)
  })

  it('prices Kimi-K2.6 as INT4 routed experts with BF16 attention, shared experts, dense MLP, lm_head and a vision tower', () => {
    const kimi = getModelSpec('moonshotai/Kimi-K2.6')
    expect(kimi.architecture).toBe('KimiK25ForConditionalGeneration')
    expect(kimi.weightFormat?.name).toBe('int4-group32')
    expect([...kimi.weightFormat!.kept16].sort()).toEqual(['attention', 'denseMlp', 'lmHead', 'router', 'sharedExperts', 'vision'])
    // MoonViT: 27 blocks of width 1152 (vLLM's KimiK25VisionConfig) plus the patch-merger projector.
    expect(kimi.visionParams! / 1e6).toBeGreaterThan(400)
    expect(kimi.visionParams! / 1e6).toBeLessThan(500)
    expect(kimi.moe).toMatchObject({ numExperts: 384, numExpertsPerTok: 8, moeIntermediateSize: 2048, sharedExpertIntermediateSize: 2048, denseLayers: [0] })
  })

  it('keeps the whole vision tower on every rank with --mm-encoder-tp-mode data (Gonka\'s Kimi configuration)', () => {
    const kimi = getModelSpec('moonshotai/Kimi-K2.6')
    const sharded = weightsPerGpuGiB(kimi, '8xh200', 8)
    const replicated = weightsPerGpuGiB(kimi, '8xh200', 8, { 'mm-encoder-tp-mode': 'data' })
    expect((replicated - sharded) * GiB).toBeCloseTo((kimi.visionParams! * 2 * 7) / 8, -3)
  })
})

describe('MoE memory at start-up', () => {
  it('leaves Qwen3-235B-A22B-FP8 at TP4 on H100 within 10% of the KV vLLM logged (issue #21348: 8.11 GiB, 178,880 tokens)', () => {
    const hw = getHardwareProfile('4xh100-sxm')
    const model = getModelSpec('Qwen/Qwen3-235B-A22B-FP8')
    const plan = planMemory(hw, model, resolveEngineConfig(new Map([['tensor-parallel-size', '4']]), model, hw, 'auto'))
    expect(Math.abs(plan.kvCapacityTokens - 178_880) / 178_880).toBeLessThan(0.1)
  })

  it('takes the reserve from ModelConstants.moeStartupReserveGiB (a box\'s own log can set it)', () => {
    const hw = getHardwareProfile('4xh100-sxm')
    const model = getModelSpec('Qwen/Qwen3-235B-A22B-FP8')
    const engine = resolveEngineConfig(new Map([['tensor-parallel-size', '4']]), model, hw, 'auto')
    const none = planMemory(hw, model, engine, { moeStartupReserveGiB: 0 }).stages[0]!
    const three = planMemory(hw, model, engine, { moeStartupReserveGiB: 3 }).stages[0]!
    expect(none.activationGiB).toBeCloseTo(Math.max(none.forwardGiB, none.samplerGiB), 9)
    expect(three.activationGiB - none.activationGiB).toBeCloseTo(3, 9)
    expect(none.kvGiB - three.kvGiB).toBeCloseTo(3, 9)
  })

  it('charges the MoE reserve to MoE models only (dense profile peaks unchanged)', () => {
    const hw = getHardwareProfile('1xh100-sxm')
    const dense = getModelSpec('Qwen/Qwen3-32B')
    const stage = planMemory(hw, dense, resolveEngineConfig(new Map(), dense, hw, 'auto')).stages[0]!
    expect(stage.activationGiB).toBe(Math.max(stage.forwardGiB, stage.samplerGiB))
  })
})

describe('KV bytes per token as vLLM sizes its pages (vllm/v1/kv_cache_interface.py)', () => {
  const perToken = (id: string, hwId: string, tp: number, kv?: string): number => {
    const model = getModelSpec(id)
    const hw = getHardwareProfile(hwId)
    const args = new Map([['tensor-parallel-size', String(tp)], ['max-model-len', '4096']])
    if (kv !== undefined) args.set('kv-cache-dtype', kv)
    const engine = resolveEngineConfig(args, model, hw, 'auto')
    return planMemory(hw, model, engine).stages[0]!.kvBytesPerToken
  }

  it('MLA (MLAAttentionSpec): one latent of kv_lora_rank + qk_rope_head_dim per layer, whole on every TP rank', () => {
    for (const [id, file] of [['deepseek-ai/DeepSeek-V3', 'deepseek-v3'], ['moonshotai/Kimi-K2.6', 'kimi-k2.6']] as const) {
      const spec = getModelSpec(id)
      // From the config's own numbers: (512 + 64) × 2 bytes × 61 layers = 70,272 bytes.
      const expected = (spec.mla!.kvLoraRank + spec.mla!.qkRopeHeadDim) * 2 * spec.numLayers
      expect(expected, file).toBe(70_272)
      expect(perToken(id, '8xh200', 8)).toBe(expected)
      expect(perToken(id, '8xh200', 4)).toBe(expected)
      expect(perToken(id, '8xh200', 8, 'fp8')).toBe(expected / 2)
      // fp8_ds_mla: MLAAttentionSpec.real_page_size_bytes = block_size × 656.
      expect(perToken(id, '8xh200', 8, 'fp8_ds_mla')).toBe(656 * spec.numLayers)
    }
  })

  it('GQA (FullAttentionSpec): K and V of the KV heads the GPU holds', () => {
    const cases = [
      ['mistralai/Mixtral-8x7B-v0.1', '2xh100-sxm', 2],
      ['MiniMaxAI/MiniMax-M2.7', '4xh100-sxm', 4],
      ['Qwen/Qwen3-235B-A22B-Instruct-2507-FP8', '4xh100-sxm', 4],
    ] as const
    for (const [id, hw, tp] of cases) {
      const s = getModelSpec(id)
      const expected = 2 * Math.max(1, s.numKeyValueHeads / tp) * s.headDim * 2 * s.numLayers
      expect(perToken(id, hw, tp), id).toBe(expected)
    }
  })
})

describe('MLA and MoE step cost', () => {
  it('MLA decode reads the replicated latent: attention time barely falls from TP4 to TP8, GQA halves', () => {
    const hw = getHardwareProfile('8xh200')
    const attention = (id: string, tp: number): number => {
      const model = getModelSpec(id)
      const engine = resolveEngineConfig(new Map([['tensor-parallel-size', String(tp)], ['max-model-len', '131072']]), model, hw, 'auto')
      return createStepCostModel(hw, model, engine).breakdown({ prefill: [], decode: Array.from({ length: 8 }, () => ({ contextLen: 100_000 })) }).attentionS
    }
    const mla = attention('deepseek-ai/DeepSeek-V3', 4) / attention('deepseek-ai/DeepSeek-V3', 8)
    expect(mla).toBeLessThan(1.2)
    const gqa = attention('meta-llama/Llama-3.1-70B', 4) / attention('meta-llama/Llama-3.1-70B', 8)
    expect(gqa).toBeGreaterThan(1.8)
  })

  it('reads only the experts a small decode batch touches (E·(1−(1−k/E)^B))', () => {
    const hw = getHardwareProfile('8xh200')
    const model = getModelSpec('moonshotai/Kimi-K2.6')
    const engine = resolveEngineConfig(new Map([['tensor-parallel-size', '8'], ['max-model-len', '8192']]), model, hw, 'auto')
    const step = (b: number): number => createStepCostModel(hw, model, engine).breakdown({ prefill: [], decode: Array.from({ length: b }, () => ({ contextLen: 1000 })) }).linearS
    // One token touches 8 of 384 experts; 64 tokens touch ~288: weight reads grow ~30x, not 64x.
    const ratio = step(64) / step(1)
    expect(ratio).toBeGreaterThan(5)
    expect(ratio).toBeLessThan(40)
  })

  it('spreads whole experts with --enable-expert-parallel, the first E mod EP ranks holding one more', () => {
    const model = getModelSpec('mistralai/Mixtral-8x7B-v0.1')
    expect(expertShareOfBusiestGpu(model, { tp: 2, enableExpertParallel: true })).toBe(0.5)
    expect(expertShareOfBusiestGpu(model, { tp: 3, enableExpertParallel: true })).toBe(3 / 8)
    expect(expertShareOfBusiestGpu(model, { tp: 4, enableExpertParallel: false })).toBe(0.25)
  })
})

describe('weight formats (quantization_config)', () => {
  it('prices bytes per weight with their scales', () => {
    expect(parseWeightFormat({ quant_method: 'fp8', weight_block_size: [128, 128] }, 'c.json')!.bytesPerWeight).toBeCloseTo(1 + 4 / 16384, 10)
    const int4 = parseWeightFormat({ quant_method: 'compressed-tensors', config_groups: { g: { weights: { num_bits: 4, group_size: 32, strategy: 'group', type: 'int', symmetric: true } } } }, 'c.json')!
    expect(int4.bytesPerWeight).toBe(0.5 + 2 / 32)
    expect(parseWeightFormat({ quant_method: 'awq', bits: 4, group_size: 128, zero_point: true }, 'c.json')!.bytesPerWeight).toBe(0.5 + 2 / 128 + 0.5 / 128)
    expect(parseWeightFormat({ quant_method: 'modelopt', quant_algo: 'NVFP4', group_size: 16 }, 'c.json')!.bytesPerWeight).toBe(0.5 + 1 / 16)
  })

  it('keeps the groups a dense AWQ checkpoint names in 16 bits', async () => {
    const qwq = getModelSpec('Qwen/QwQ-32B')
    const awq = { ...qwq, weightFormat: parseWeightFormat({ quant_method: 'awq', bits: 4, group_size: 128 }, 'c.json') }
    const awqAttn16 = { ...qwq, weightFormat: parseWeightFormat({ quant_method: 'awq', bits: 4, group_size: 128, modules_to_not_convert: ['self_attn'] }, 'c.json') }
    const p = paramCounts(qwq)
    const diff = (weightsPerGpuGiB(awqAttn16, '1xh100-sxm', 1) - weightsPerGpuGiB(awq, '1xh100-sxm', 1)) * GiB
    expect(diff).toBeCloseTo(qwq.numLayers * p.attentionPerLayer * (2 - awq.weightFormat!.bytesPerWeight), -3)
  })

  it('prices a compressed-tensors checkpoint with several groups by their targets (FP8 attention, NVFP4 experts)', () => {
    // The llm-compressor recipe shape: group 0 FP8 block on self_attn projections, group 1 NVFP4 on
    // the MLP projections, the router and lm_head ignored.
    const f = parseWeightFormat({
      quant_method: 'compressed-tensors',
      config_groups: {
        config_group_0: { targets: ['re:.*self_attn\\.(q|k|v|o)_proj$', 're:.*self_attn\\.(kv_a_proj_with_mqa|kv_b_proj|q_a_proj|q_b_proj)$'], weights: { num_bits: 8, type: 'float', strategy: 'block', block_structure: [128, 128] } },
        config_group_1: { targets: ['re:.*mlp.*(gate|up|down)_proj$', 're:.*experts.*w[123]$'], weights: { num_bits: 4, type: 'float', strategy: 'tensor_group', group_size: 16 } },
      },
      ignore: ['lm_head', 're:.*gate$'],
    }, 'c.json')!
    expect(f.name).toBe('fp4-group16')
    expect(f.bytesPerWeight).toBe(0.5 + 1 / 16)
    expect(f.perGroup?.attention).toEqual({ bytesPerWeight: 1 + 4 / 16384, bits: 8 })
    expect(f.kept16.has('router')).toBe(true)
    expect(f.kept16.has('vision')).toBe(true)
  })

  it("reads MiniMax's modules_to_not_convert by whole names: 'gate' is the router, not gate_proj", () => {
    const f = parseWeightFormat({ quant_method: 'fp8', weight_block_size: [128, 128], modules_to_not_convert: ['gate', 'e_score_correction_bias', 'lm_head'] }, 'c.json')!
    expect(f.kept16.has('router')).toBe(true)
    expect(f.kept16.has('routedExperts')).toBe(false)
    expect(f.kept16.has('attention')).toBe(false)
    const awq = parseWeightFormat({ quant_method: 'awq', bits: 4, group_size: 128, modules_to_not_convert: ['self_attn', 'block_sparse_moe.gate'] }, 'c.json')!
    expect(awq.kept16.has('attention')).toBe(true)
    expect(awq.kept16.has('routedExperts')).toBe(false)
  })
})

describe('a size-changing field the model does not understand is a named error', () => {
  const dirs: string[] = []
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  })
  async function write(config: Record<string, unknown>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mlnb-arch-'))
    dirs.push(dir)
    const file = join(dir, 'config.json')
    await writeFile(file, JSON.stringify(config))
    return file
  }
  const base = { num_hidden_layers: 4, hidden_size: 256, intermediate_size: 512, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 1000, max_position_embeddings: 4096 }

  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['DeepSeek sparse attention (V3.2)', { index_topk: 2048 }, 'index_topk', '2048'],
    ['MiniMax lightning attention layers', { attn_type_list: [0, 1, 1, 1] }, 'attn_type_list', '0'],
    ['a sliding window shorter than the context', { sliding_window: 1024 }, 'sliding_window', '1024'],
    ['experts per token without an expert count', { num_experts_per_tok: 2 }, 'num_experts_per_tok', '2'],
    ['an unknown quantization method', { quantization_config: { quant_method: 'hqq' } }, 'quantization_config.quant_method', '"hqq"'],
    ['3-bit compressed-tensors weights', { quantization_config: { quant_method: 'compressed-tensors', config_groups: { g: { targets: ['Linear'], weights: { num_bits: 3, type: 'int', strategy: 'group', group_size: 32 } } } } }, 'quantization_config.config_groups.g.weights.num_bits', '3'],
    ['linear-attention layers', { layer_types: ['full_attention', 'linear_attention', 'full_attention', 'full_attention'] }, 'layer_types', 'linear_attention'],
    ['MoE every other layer (Llama 4)', { num_local_experts: 16, num_experts_per_tok: 1, interleave_moe_layer_step: 2 }, 'interleave_moe_layer_step', '2'],
  ]
  for (const [what, extra, field, value] of cases) {
    it(what, async () => {
      const file = await write({ ...base, ...extra })
      const error = await loadModelConfig(file).then(() => undefined, (e: unknown) => e)
      expect(error).toMatchObject({ code: 'MLNB_MODEL', details: expect.objectContaining({ file, field }) })
      expect((error as Error).message).toContain(file)
      expect((error as Error).message).toContain(`"${field}"`)
      expect((error as Error).message).toContain(value)
    })
  }

  it('reads DeepSeek-V2.5 (160 experts, 2 shared, first layer dense) and prices its latent, not 128 heads', async () => {
    // deepseek-ai/DeepSeek-V2.5 config.json (as quoted in public parameter-counting tests).
    const file = await write({
      architectures: ['DeepseekV2ForCausalLM'], hidden_size: 5120, intermediate_size: 12288, num_hidden_layers: 60, num_attention_heads: 128, num_key_value_heads: 128,
      vocab_size: 102400, max_position_embeddings: 163840, kv_lora_rank: 512, q_lora_rank: 1536, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128,
      n_routed_experts: 160, n_shared_experts: 2, num_experts_per_tok: 6, moe_intermediate_size: 1536, first_k_dense_replace: 1, moe_layer_freq: 1, tie_word_embeddings: false,
    })
    const spec = await loadModelConfig(file)
    expect(spec.moe).toMatchObject({ numExperts: 160, sharedExpertIntermediateSize: 2 * 1536, denseLayers: [0] })
    // The model card's 236B total, 21B activated.
    const p = paramCounts(spec)
    expect(p.total / 1e9).toBeGreaterThan(236 * 0.95)
    expect(p.total / 1e9).toBeLessThan(236 * 1.05)
    expect((p.active - p.embedding) / 1e9).toBeGreaterThan(21 * 0.95)
    expect((p.active - p.embedding) / 1e9).toBeLessThan(21 * 1.05)
    const hw = getHardwareProfile('8xh200')
    const plan = planMemory(hw, spec, resolveEngineConfig(new Map([['tensor-parallel-size', '8'], ['max-model-len', '8192']]), spec, hw, 'auto'))
    expect(plan.stages[0]!.kvBytesPerToken).toBe((512 + 64) * 2 * 60)
  })

  it('reads Qwen-MoE dense layers from mlp_only_layers and decoder_sparse_step, and accepts an unused sliding window', async () => {
    const file = await write({
      ...base, num_hidden_layers: 6, num_experts: 8, num_experts_per_tok: 2, moe_intermediate_size: 128, mlp_only_layers: [0], decoder_sparse_step: 2,
      sliding_window: 1024, use_sliding_window: false,
    })
    const spec = await loadModelConfig(file)
    // MoE where (i + 1) % 2 == 0 and i not in [0]: layers 1, 3, 5.
    expect(spec.moe!.denseLayers).toEqual([0, 2, 4])
    expect(paramCounts(spec)).toMatchObject({ moeLayers: 3, denseLayers: 3 })
  })

  it('a DeepSeek config missing an MLA width names it', async () => {
    const file = await write({ ...base, kv_lora_rank: 512, qk_rope_head_dim: 64, v_head_dim: 128 })
    await expect(loadModelConfig(file)).rejects.toMatchObject({ code: 'MLNB_MODEL', message: `${file}: field "qk_nope_head_dim" is missing` })
  })
})
