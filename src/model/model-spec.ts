/** A model's shape as the performance model reads it from a HF config.json (models.ts, hf-config.ts). */
import type { WeightFormat } from './weight-format.js'

/** Mixture-of-experts fields of a HF config.json (Qwen3-MoE names). */
export interface MoeSpec {
  /** `num_experts`: routed experts per MoE layer. */
  numExperts: number
  /** `num_experts_per_tok`: top-k. */
  numExpertsPerTok: number
  /** `moe_intermediate_size`: one expert's SwiGLU width. */
  moeIntermediateSize: number
  /**
   * Width of the shared expert(s) together: `shared_expert_intermediate_size` (Qwen2-MoE),
   * `n_shared_experts` × `moe_intermediate_size` (DeepSeek), `shared_intermediate_size`
   * (MiniMax); 0 when the model has none.
   */
  sharedExpertIntermediateSize: number
  /**
   * Layers that use the dense MLP (`intermediate_size`) instead of experts: DeepSeek's
   * `first_k_dense_replace` / `moe_layer_freq`, Qwen's `mlp_only_layers` / `decoder_sparse_step`.
   * @default []
   */
  denseLayers?: readonly number[]
}

/** Multi-head latent attention (DeepSeek-V2/V3, Kimi-K2): config.json's MLA fields. */
export interface MlaSpec {
  /** `kv_lora_rank`: width of the compressed KV latent that the cache stores. */
  kvLoraRank: number
  /** `qk_rope_head_dim`: the decoupled RoPE key, cached beside the latent. */
  qkRopeHeadDim: number
  /** `qk_nope_head_dim`. */
  qkNopeHeadDim: number
  /** `v_head_dim`. */
  vHeadDim: number
  /** `q_lora_rank` (0 when queries are projected at full rank). */
  qLoraRank: number
}

/** The config.json fields the performance model needs (Llama/Qwen-family decoder). */
export interface ModelSpec {
  /** HF repo id or the config file path it was read from. */
  id: string
  numLayers: number
  hiddenSize: number
  /** Dense MLP width (`intermediate_size`); unused by MoE layers. */
  intermediateSize: number
  numAttentionHeads: number
  numKeyValueHeads: number
  headDim: number
  vocabSize: number
  /** `max_position_embeddings`: vLLM's derived max_model_len. */
  maxPositionEmbeddings: number
  tieWordEmbeddings: boolean
  /** `torch_dtype` of the checkpoint ("bfloat16"). */
  torchDtype: string
  /** Pre-quantized checkpoint method (`quantization_config.quant_method`), e.g. "fp8". */
  checkpointQuantization?: string
  /** Block size of block-wise FP8 checkpoints (`weight_block_size`), e.g. [128, 128]. */
  weightBlockSize?: readonly [number, number]
  /** The checkpoint's weight format (bytes per weight with scales, 16-bit groups); absent: 16-bit. */
  weightFormat?: WeightFormat
  /** `architectures[0]` of the config, e.g. "DeepseekV3ForCausalLM". */
  architecture?: string
  moe?: MoeSpec
  /** Present for MLA models: the KV cache holds one latent per token and layer. */
  mla?: MlaSpec
  /** Parameters of a vision tower and projector (multimodal wrappers such as Kimi-K2.5/K2.6). */
  visionParams?: number
}
