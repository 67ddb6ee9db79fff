import type { ModelSpec } from './models.js'

/**
 * Parameter counts (docs/perf-model.md "Formulas", "MLA", "MoE"): GQA attention
 * h·nh·d + 2·h·nkv·d + nh·d·h; MLA attention q_a/q_b (or a full q), kv_a (latent + rope key),
 * kv_b (latent → per-head nope key and value), o; SwiGLU MLP 3·h·I; MoE layer E·3·h·I_moe +
 * shared experts + router h·E (active: k experts instead of E). Norm weights are ignored (< 0.01 %).
 */
export interface ParamCounts {
  /** Attention projections of one layer (GQA: Q, K, V, O; MLA: q_a, q_b, kv_a, kv_b, o). */
  attentionPerLayer: number
  /**
   * Attention weights every TP rank holds whole: MLA's q_a and kv_a down-projections, which vLLM
   * keeps replicated (vllm/model_executor/models/deepseek_v2.py, `fused_qkv_a_proj` with
   * disable_tp). 0 for GQA.
   */
  attentionReplicatedPerLayer: number
  /** MLA's kv_b_proj (latent → keys and values), of which vLLM keeps 16-bit absorbed copies. */
  mlaKvBPerLayer: number
  /** MLP of one MoE layer, all experts + shared + router (dense model: the SwiGLU MLP). */
  mlpPerLayer: number
  /** MLP of one MoE layer that one token uses (dense: = mlpPerLayer; MoE: k experts + shared + router). */
  mlpActivePerLayer: number
  /** Router (gate) of one MoE layer; 0 for dense models. */
  routerPerLayer: number
  /** Routed experts of one MoE layer (E·3·h·I_moe); 0 for dense models. */
  routedExpertsPerLayer: number
  /** Shared experts of one MoE layer. */
  sharedExpertsPerLayer: number
  /** The dense SwiGLU MLP (3·h·intermediate_size) of a dense layer. */
  denseMlpPerLayer: number
  /** Layers with experts (0 for dense models). */
  moeLayers: number
  /** Layers with the dense MLP (all of them for dense models). */
  denseLayers: number
  /** Input embedding (vocab·h). */
  embedding: number
  /** Output head (vocab·h; 0 extra when tied). */
  lmHead: number
  /** Vision tower and projector (multimodal wrappers), 0 for text models. */
  vision: number
  /** Every weight, vision tower included. */
  total: number
  /** Weights one text token uses. */
  active: number
}

/** Attention parameters of one layer: [total, replicated under TP, kv_b]. */
function attentionParams(model: ModelSpec): [number, number, number] {
  const h = model.hiddenSize
  const nh = model.numAttentionHeads
  const mla = model.mla
  if (mla === undefined) {
    const d = model.headDim
    return [h * nh * d * 2 + 2 * h * model.numKeyValueHeads * d, 0, 0]
  }
  const qkHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim
  const qDown = mla.qLoraRank > 0 ? h * mla.qLoraRank : 0
  const qUp = mla.qLoraRank > 0 ? mla.qLoraRank * nh * qkHead : h * nh * qkHead
  const kvDown = h * (mla.kvLoraRank + mla.qkRopeHeadDim)
  const kvUp = mla.kvLoraRank * nh * (mla.qkNopeHeadDim + mla.vHeadDim)
  const out = nh * mla.vHeadDim * h
  return [qDown + qUp + kvDown + kvUp + out, qDown + kvDown, kvUp]
}

/** Parameter counts of a model. */
export function paramCounts(model: ModelSpec): ParamCounts {
  const h = model.hiddenSize
  const [attentionPerLayer, attentionReplicatedPerLayer, mlaKvBPerLayer] = attentionParams(model)
  const denseMlpPerLayer = 3 * h * model.intermediateSize
  const L = model.numLayers
  let mlpPerLayer = denseMlpPerLayer
  let mlpActivePerLayer = denseMlpPerLayer
  let routerPerLayer = 0
  let routedExpertsPerLayer = 0
  let sharedExpertsPerLayer = 0
  let denseLayers = L
  if (model.moe) {
    const m = model.moe
    sharedExpertsPerLayer = 3 * h * m.sharedExpertIntermediateSize
    routerPerLayer = h * m.numExperts
    routedExpertsPerLayer = m.numExperts * 3 * h * m.moeIntermediateSize
    mlpPerLayer = routedExpertsPerLayer + sharedExpertsPerLayer + routerPerLayer
    mlpActivePerLayer = m.numExpertsPerTok * 3 * h * m.moeIntermediateSize + sharedExpertsPerLayer + routerPerLayer
    denseLayers = (m.denseLayers ?? []).length
  }
  const moeLayers = L - denseLayers
  const embedding = model.vocabSize * h
  const lmHead = model.tieWordEmbeddings ? 0 : model.vocabSize * h
  const vision = model.visionParams ?? 0
  const layersTotal = L * attentionPerLayer + moeLayers * mlpPerLayer + (model.moe ? denseLayers * denseMlpPerLayer : 0)
  const layersActive = L * attentionPerLayer + moeLayers * mlpActivePerLayer + (model.moe ? denseLayers * denseMlpPerLayer : 0)
  return {
    attentionPerLayer,
    attentionReplicatedPerLayer,
    mlaKvBPerLayer,
    mlpPerLayer,
    mlpActivePerLayer,
    routerPerLayer,
    routedExpertsPerLayer,
    sharedExpertsPerLayer,
    denseMlpPerLayer,
    moeLayers,
    denseLayers,
    embedding,
    lmHead,
    vision,
    total: (model.moe ? layersTotal : L * (attentionPerLayer + mlpPerLayer)) + embedding + lmHead + vision,
    active: (model.moe ? layersActive : L * (attentionPerLayer + mlpActivePerLayer)) + embedding + lmHead,
  }
}

/**
 * How vLLM splits `numLayers` over `pp` stages (vllm.distributed.utils.get_pp_indices: even
 * split, the remainder goes to the last stages). Returns layers per stage.
 */
export function layersPerStage(numLayers: number, pp: number): number[] {
  const base = Math.floor(numLayers / pp)
  const rest = numLayers % pp
  return Array.from({ length: pp }, (_, i) => base + (i >= pp - rest ? 1 : 0))
}

/** Dense-MLP layers (DeepSeek's first_k_dense_replace…) that fall in each pipeline stage. */
export function denseLayersPerStage(model: ModelSpec, pp: number): number[] {
  const counts = layersPerStage(model.numLayers, pp)
  if (!model.moe) return counts
  const dense = model.moe.denseLayers ?? []
  let start = 0
  return counts.map((n) => {
    const end = start + n
    const inStage = dense.filter((i) => i >= start && i < end).length
    start = end
    return inStage
  })
}
