import type { ModelSpec } from './models.js'

/**
 * Parameter counts (docs/perf-model.md "Formulas"): dense layer h·nh·d + 2·h·nkv·d + nh·d·h + 3·h·I;
 * MoE layer attention + E·3·h·I_moe + router h·E (active: k experts instead of E).
 * Norm weights are ignored (< 0.01 %).
 */
export interface ParamCounts {
  /** Q, K, V, O projections of one layer. */
  attentionPerLayer: number
  /** MLP of one layer, all experts (dense: the SwiGLU MLP). */
  mlpPerLayer: number
  /** MLP of one layer that one token uses (dense: = mlpPerLayer; MoE: k experts + shared + router). */
  mlpActivePerLayer: number
  /** Router (gate) of one MoE layer; 0 for dense models. */
  routerPerLayer: number
  /** Input embedding (vocab·h). */
  embedding: number
  /** Output head (vocab·h; 0 extra when tied). */
  lmHead: number
  total: number
  active: number
}

/** Parameter counts of a model. */
export function paramCounts(model: ModelSpec): ParamCounts {
  const h = model.hiddenSize
  const d = model.headDim
  const attentionPerLayer = h * model.numAttentionHeads * d * 2 + 2 * h * model.numKeyValueHeads * d
  let mlpPerLayer: number
  let mlpActivePerLayer: number
  let routerPerLayer = 0
  if (model.moe) {
    const m = model.moe
    const shared = 3 * h * m.sharedExpertIntermediateSize
    routerPerLayer = h * m.numExperts
    mlpPerLayer = m.numExperts * 3 * h * m.moeIntermediateSize + shared + routerPerLayer
    mlpActivePerLayer = m.numExpertsPerTok * 3 * h * m.moeIntermediateSize + shared + routerPerLayer
  } else {
    mlpPerLayer = 3 * h * model.intermediateSize
    mlpActivePerLayer = mlpPerLayer
  }
  const embedding = model.vocabSize * h
  const lmHead = model.tieWordEmbeddings ? 0 : model.vocabSize * h
  const L = model.numLayers
  return {
    attentionPerLayer,
    mlpPerLayer,
    mlpActivePerLayer,
    routerPerLayer,
    embedding,
    lmHead,
    total: L * (attentionPerLayer + mlpPerLayer) + embedding + lmHead,
    active: L * (attentionPerLayer + mlpActivePerLayer) + embedding + lmHead,
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
