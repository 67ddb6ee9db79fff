import { MlnodeBenchError } from '../errors.js'
import type { ModelSpec } from './model-spec.js'
import { parseWeightFormat } from './weight-format.js'

/**
 * The one reader of Hugging Face config.json files (docs/perf-model.md "Architectures"): dense
 * Llama/Qwen2/Qwen3, Qwen2/3-MoE (`num_experts`), Mixtral and MiniMax-M2 (`num_local_experts`),
 * DeepSeek-V2/V3 and Kimi-K2 (MLA + `n_routed_experts`), multimodal wrappers with a `text_config`
 * (Kimi-K2.5/K2.6) whose vision tower is counted. A field that changes the model's size and is not
 * understood is a named error, never a silent dense model.
 */

type Json = Record<string, unknown>

function fail(file: string, field: string, problem: string, value?: unknown): never {
  throw new MlnodeBenchError('MLNB_MODEL', `${file}: field "${field}" ${problem}`, {
    details: value === undefined ? { file, field } : { file, field, value },
  })
}

function positiveInt(cfg: Json, file: string, field: string, fallback?: number, prefix = ''): number {
  const value = cfg[field]
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback
    fail(file, prefix + field, 'is missing')
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(file, prefix + field, `must be a positive integer, got ${JSON.stringify(value)}`, value)
  return value
}

function nonNegativeInt(cfg: Json, file: string, field: string, fallback: number): number {
  const value = cfg[field]
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(file, field, `must be a non-negative integer, got ${JSON.stringify(value)}`, value)
  return value
}

function present(cfg: Json, field: string): boolean {
  return cfg[field] !== undefined && cfg[field] !== null
}

/**
 * Fields that change the weights or the KV cache in a way the model does not price: their
 * presence (with a value that matters) is an error naming the field and the value.
 */
function rejectUnmodelled(cfg: Json, file: string): void {
  const unsupported: Record<string, string> = {
    linear_attn_config: 'linear attention layers (Kimi-Linear) are not modelled',
    hybrid_override_pattern: 'Mamba/attention hybrids are not modelled',
    ssm_state_size: 'state-space layers are not modelled',
    mamba_d_state: 'state-space layers are not modelled',
    index_topk: 'DeepSeek sparse attention (its indexer keeps its own KV cache) is not modelled',
    expert_layer_period: 'MoE every n-th layer (Jamba) is not modelled',
    attn_layer_period: 'attention every n-th layer (Jamba) is not modelled',
    full_attention_interval: 'hybrid linear/full attention layers are not modelled',
    attention_chunk_size: 'chunked local attention (Llama 4) is not modelled',
    sliding_window_pattern: 'interleaved sliding-window layers (Gemma) are not modelled',
  }
  for (const [field, why] of Object.entries(unsupported)) {
    if (present(cfg, field)) fail(file, field, `= ${JSON.stringify(cfg[field])}: ${why}`, cfg[field])
  }
  // Llama 4: experts only every n-th layer, the others dense of `intermediate_size_mlp`.
  const interleave = cfg.interleave_moe_layer_step
  if (interleave !== undefined && interleave !== null && interleave !== 1) {
    fail(file, 'interleave_moe_layer_step', `= ${JSON.stringify(interleave)}: MoE every n-th layer (Llama 4) is not modelled`, interleave)
  }
  const layerTypes = cfg.layer_types
  if (Array.isArray(layerTypes) && layerTypes.some((t) => t !== 'full_attention')) {
    const odd = layerTypes.find((t) => t !== 'full_attention')
    fail(file, 'layer_types', `contains ${JSON.stringify(odd)}: only full-attention layers are modelled`, odd)
  }
  // MiniMax: 1 = full softmax attention, 0 = lightning (linear) attention (MiniMax-M1/Text-01).
  const attnTypes = cfg.attn_type_list
  if (Array.isArray(attnTypes) && attnTypes.some((t) => t !== 1)) {
    fail(file, 'attn_type_list', `contains ${JSON.stringify(attnTypes.find((t) => t !== 1))}: linear (lightning) attention layers are not modelled`, attnTypes)
  }
  // A sliding window shorter than the context shrinks the KV cache of those layers (Mistral v0.1).
  const window = cfg.sliding_window
  if (typeof window === 'number' && cfg.use_sliding_window !== false) {
    const positions = cfg.max_position_embeddings
    if (typeof positions !== 'number' || window < positions) {
      fail(file, 'sliding_window', `= ${window}: sliding-window attention is not modelled (set use_sliding_window false if the checkpoint does not use it)`, window)
    }
  }
}

/** Which layers use the dense MLP: vLLM's own rule per family. */
function denseLayerIndices(cfg: Json, file: string, numLayers: number, family: 'deepseek' | 'qwen-moe' | 'all-moe'): number[] {
  const dense: number[] = []
  if (family === 'deepseek') {
    // vllm/model_executor/models/deepseek_v2.py DeepseekV2DecoderLayer: MoE when
    // layer_idx >= first_k_dense_replace and layer_idx % moe_layer_freq == 0.
    const firstK = nonNegativeInt(cfg, file, 'first_k_dense_replace', 0)
    const freq = positiveInt(cfg, file, 'moe_layer_freq', 1)
    for (let i = 0; i < numLayers; i++) if (!(i >= firstK && i % freq === 0)) dense.push(i)
  } else if (family === 'qwen-moe') {
    // vllm/model_executor/models/qwen3_moe.py Qwen3MoeDecoderLayer: MoE when the layer is not in
    // mlp_only_layers and (layer_idx + 1) % decoder_sparse_step == 0.
    const step = positiveInt(cfg, file, 'decoder_sparse_step', 1)
    const only = cfg.mlp_only_layers ?? []
    if (!Array.isArray(only) || !only.every((x) => typeof x === 'number')) fail(file, 'mlp_only_layers', 'must be a list of layer indices', only)
    for (let i = 0; i < numLayers; i++) if ((only as number[]).includes(i) || (i + 1) % step !== 0) dense.push(i)
  }
  return dense
}

/**
 * Parameters of a vision tower (ViT blocks + patch-merging projector to the text width), from
 * `vision_config`: L·(4h² + 2·h·I) for the blocks, 16h² + 4h·out for a 2×2 patch merger.
 * Kimi-K2.5/K2.6 (`model_type` kimi_k25) fall back to vLLM's KimiK25VisionConfig defaults
 * (27 layers, width 1152, MLP 4304: vllm/transformers_utils/configs/kimi_k25.py).
 */
function visionParams(top: Json, file: string, textHidden: number): number {
  const vc = top.vision_config
  if (vc === undefined || vc === null) return 0
  if (typeof vc !== 'object' || Array.isArray(vc)) fail(file, 'vision_config', 'must be an object', vc)
  const v = vc as Json
  const kimi = top.model_type === 'kimi_k25'
  const h = positiveInt(v, file, 'hidden_size', kimi ? 1152 : undefined, 'vision_config.')
  const I = positiveInt(v, file, 'intermediate_size', kimi ? 4304 : undefined, 'vision_config.')
  const depthField = present(v, 'depth') ? 'depth' : 'num_hidden_layers'
  const L = positiveInt(v, file, depthField, kimi ? 27 : undefined, 'vision_config.')
  const out = typeof v.out_hidden_size === 'number' ? v.out_hidden_size : textHidden
  const patch = typeof v.patch_size === 'number' ? v.patch_size : 14
  return L * (4 * h * h + 2 * h * I) + 16 * h * h + 4 * h * out + 3 * patch * patch * h
}

/**
 * Builds a ModelSpec from a parsed HF config.json object. `file` names the source in errors.
 * @throws MlnodeBenchError 'MLNB_MODEL' naming the file, the field (and its value).
 */
export function modelSpecFromHfConfig(raw: unknown, file: string, id: string = file): ModelSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, '(root)', 'must be a JSON object')
  const top = raw as Json
  const wrapped = typeof top.text_config === 'object' && top.text_config !== null
  const cfg = (wrapped ? top.text_config : top) as Json
  rejectUnmodelled(cfg, file)
  const hiddenSize = positiveInt(cfg, file, 'hidden_size')
  const numAttentionHeads = positiveInt(cfg, file, 'num_attention_heads')
  const numLayers = positiveInt(cfg, file, 'num_hidden_layers')
  const architectures = (Array.isArray(top.architectures) ? top.architectures : cfg.architectures) as unknown[] | undefined
  const mla = present(cfg, 'kv_lora_rank')
  const spec: ModelSpec = {
    id,
    numLayers,
    hiddenSize,
    intermediateSize: positiveInt(cfg, file, 'intermediate_size'),
    numAttentionHeads,
    numKeyValueHeads: positiveInt(cfg, file, 'num_key_value_heads', numAttentionHeads),
    headDim: mla
      ? positiveInt(cfg, file, 'qk_nope_head_dim') + positiveInt(cfg, file, 'qk_rope_head_dim')
      : positiveInt(cfg, file, 'head_dim', Math.floor(hiddenSize / numAttentionHeads)),
    vocabSize: positiveInt(cfg, file, 'vocab_size'),
    maxPositionEmbeddings: positiveInt(cfg, file, 'max_position_embeddings'),
    tieWordEmbeddings: cfg.tie_word_embeddings === true || top.tie_word_embeddings === true,
    torchDtype: typeof (cfg.torch_dtype ?? top.torch_dtype ?? cfg.dtype ?? top.dtype) === 'string' ? String(cfg.torch_dtype ?? top.torch_dtype ?? cfg.dtype ?? top.dtype) : 'bfloat16',
  }
  if (architectures !== undefined && typeof architectures[0] === 'string') spec.architecture = architectures[0]
  if (mla) {
    spec.mla = {
      kvLoraRank: positiveInt(cfg, file, 'kv_lora_rank'),
      qkRopeHeadDim: positiveInt(cfg, file, 'qk_rope_head_dim'),
      qkNopeHeadDim: positiveInt(cfg, file, 'qk_nope_head_dim'),
      vHeadDim: positiveInt(cfg, file, 'v_head_dim'),
      // null: queries projected at full rank (DeepSeek-V2-Lite).
      qLoraRank: cfg.q_lora_rank === null || cfg.q_lora_rank === undefined ? 0 : positiveInt(cfg, file, 'q_lora_rank'),
    }
  }

  const quantRaw = top.quantization_config ?? cfg.quantization_config
  const format = parseWeightFormat(quantRaw, file)
  if (format !== undefined) {
    spec.weightFormat = format
    spec.checkpointQuantization = format.method
    if (format.blockSize !== undefined) spec.weightBlockSize = format.blockSize
  }

  // Mixture of experts: three spellings of the expert count.
  if (present(cfg, 'n_routed_experts')) {
    // DeepSeek-V2/V3, Kimi-K2: n_shared_experts shared experts of moe_intermediate_size each.
    const moeWidth = positiveInt(cfg, file, 'moe_intermediate_size')
    spec.moe = {
      numExperts: positiveInt(cfg, file, 'n_routed_experts'),
      numExpertsPerTok: positiveInt(cfg, file, 'num_experts_per_tok'),
      moeIntermediateSize: moeWidth,
      sharedExpertIntermediateSize: nonNegativeInt(cfg, file, 'n_shared_experts', 0) * moeWidth,
      denseLayers: denseLayerIndices(cfg, file, numLayers, 'deepseek'),
    }
  } else if (present(cfg, 'num_local_experts')) {
    // Mixtral, MiniMax-M2: intermediate_size is one expert's width; MiniMax names a shared expert
    // `shared_intermediate_size` (0 in M2/M2.7).
    spec.moe = {
      numExperts: positiveInt(cfg, file, 'num_local_experts'),
      numExpertsPerTok: positiveInt(cfg, file, 'num_experts_per_tok'),
      moeIntermediateSize: spec.intermediateSize,
      sharedExpertIntermediateSize: nonNegativeInt(cfg, file, 'shared_intermediate_size', 0),
      denseLayers: [],
    }
  } else if (present(cfg, 'num_experts')) {
    // Qwen2-MoE / Qwen3-MoE.
    spec.moe = {
      numExperts: positiveInt(cfg, file, 'num_experts'),
      numExpertsPerTok: positiveInt(cfg, file, 'num_experts_per_tok'),
      moeIntermediateSize: positiveInt(cfg, file, 'moe_intermediate_size'),
      sharedExpertIntermediateSize: nonNegativeInt(cfg, file, 'shared_expert_intermediate_size', 0),
      denseLayers: denseLayerIndices(cfg, file, numLayers, 'qwen-moe'),
    }
  } else {
    for (const field of ['num_experts_per_tok', 'moe_intermediate_size', 'n_shared_experts', 'first_k_dense_replace']) {
      if (present(cfg, field) && cfg[field] !== 0) {
        fail(file, field, `= ${JSON.stringify(cfg[field])} names a mixture of experts, but no expert count (num_experts, num_local_experts, n_routed_experts) was found`, cfg[field])
      }
    }
  }
  const vision = visionParams(top, file, hiddenSize)
  if (vision > 0) spec.visionParams = vision
  return spec
}
