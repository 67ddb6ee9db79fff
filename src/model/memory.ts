import { resolveModelConstants, type ModelConstants } from './constants.js'
import type { HardwareProfile } from './hardware.js'
import type { ModelSpec } from './models.js'
import { denseLayersPerStage, layersPerStage, paramCounts } from './params.js'
import { profileRunPeak } from './profile-peak.js'
import type { EngineConfig } from './types.js'
import { groupBytes, uniformWeightFormat, type WeightFormat } from './weight-format.js'

const GiB = 1024 ** 3

/** Why a variant cannot start, with the message vLLM would print. */
export interface FeasibilityProblem {
  kind: 'gpus' | 'heads' | 'kv-heads' | 'block-quant' | 'max-model-len' | 'oom' | 'no-kv-memory' | 'kv-too-small' | 'data-parallel' | 'args'
  message: string
}

/** Memory of one GPU of one pipeline stage, GiB. */
export interface StageMemory {
  stage: number
  layers: number
  weightsGiB: number
  /** Profile-run peak vLLM reserves: max(forwardGiB, samplerGiB). */
  activationGiB: number
  /** Forward-pass peak of the profile run. */
  forwardGiB: number
  /** Dummy sampler run's peak (last stage; 0 elsewhere). */
  samplerGiB: number
  nonTorchGiB: number
  kvGiB: number
  /** KV bytes one token occupies on this GPU. */
  kvBytesPerToken: number
  kvBlocks: number
}

/** The memory plan of one instance (vLLM's profile run + KV sizing, per GPU). */
export interface MemoryPlan {
  totalGiBPerGpu: number
  /** gpu_memory_utilization × total: what vLLM lets itself use. */
  budgetGiBPerGpu: number
  stages: StageMemory[]
  /** KV blocks the scheduler gets: the minimum over stages (vLLM unifies them). */
  kvBlocks: number
  /** kvBlocks × block size. */
  kvCapacityTokens: number
  /** Worst stage's figures (for InstanceModel). */
  weightsGiBPerGpu: number
  kvGiBPerGpu: number
  /** max_model_len that the KV memory supports for one request. */
  maxModelLenSupported: number
  problems: FeasibilityProblem[]
}

/** KV heads one GPU holds: nkv/TP, replicated when TP > nkv (docs/perf-model.md "Formulas"); MLA: 1 latent "head". */
export function kvHeadsPerGpu(model: ModelSpec, tp: number): number {
  if (model.mla) return 1
  return Math.max(1, Math.floor(model.numKeyValueHeads / tp))
}

/**
 * KV-cache bytes of one token in one layer on one GPU, as vLLM's KV spec sizes its pages
 * (vllm/v1/kv_cache_interface.py): GQA `FullAttentionSpec` holds K and V of the GPU's KV heads,
 * 2·heads·head_size·dtype; MLA `MLAAttentionSpec` holds one latent of kv_lora_rank + qk_rope_head_dim
 * per token with num_kv_heads = 1 and no separate V, and every TP rank holds all of it (the
 * latent is not sharded).
 */
export function kvBytesPerTokenPerLayer(model: ModelSpec, tp: number, kvBytes: number, kvCacheDtype?: string): number {
  // fp8_ds_mla: FlashMLA's layout, 512 fp8 latent values + 4 fp32 scales + 64 16-bit rope values
  // (MLAAttentionSpec.real_page_size_bytes: block_size × 656).
  if (model.mla && kvCacheDtype === 'fp8_ds_mla') return 656
  if (model.mla) return (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * kvBytes
  return 2 * kvHeadsPerGpu(model, tp) * model.headDim * kvBytes
}

/** The weight format memory is planned with: the checkpoint's own, else uniform engine.weightBytes. */
export function effectiveWeightFormat(model: ModelSpec, engine: EngineConfig): WeightFormat {
  return model.weightFormat ?? uniformWeightFormat(engine.weightBytes)
}

/**
 * Routed-expert weights one GPU holds, as a fraction of all experts: sliced over TP (each expert
 * cut into TP parts) or, with --enable-expert-parallel, whole experts spread over EP = TP ranks
 * (MLNode gives an instance no DP), the first E mod EP ranks holding one more
 * (vllm/model_executor/layers/fused_moe/layer.py `determine_expert_map`).
 */
export function expertShareOfBusiestGpu(model: ModelSpec, engine: Pick<EngineConfig, 'tp' | 'enableExpertParallel'>): number {
  if (!model.moe) return 0
  if (!engine.enableExpertParallel) return 1 / engine.tp
  return Math.ceil(model.moe.numExperts / engine.tp) / model.moe.numExperts
}

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(2)} GiB`
}

/**
 * Memory plan + structural checks, never throwing. Follows vLLM V1's start-up: load weights
 * (OOM if they do not fit the physical memory), profile run with max_num_batched_tokens (its
 * allocator peak: the larger of the forward pass and the dummy sampler run, profile-peak.ts),
 * KV = utilization × total − weights − that peak − non-torch memory, then check one
 * max_model_len request fits.
 */
export function planMemory(hardware: HardwareProfile, model: ModelSpec, engine: EngineConfig, constants: ModelConstants = {}): MemoryPlan {
  const c = resolveModelConstants(constants)
  const { tp, pp } = engine
  const problems: FeasibilityProblem[] = []
  if (tp * pp > hardware.gpuCount) {
    problems.push({
      kind: 'gpus',
      message: `The number of required GPUs (tensor_parallel_size ${tp} × pipeline_parallel_size ${pp} = ${tp * pp}) exceeds the ${hardware.gpuCount} GPUs of ${hardware.id}.`,
    })
  }
  if (model.numAttentionHeads % tp !== 0) {
    problems.push({
      kind: 'heads',
      message: `Total number of attention heads (${model.numAttentionHeads}) must be divisible by tensor parallel size (${tp}).`,
    })
  }
  const nkv = model.numKeyValueHeads
  // MLA has one latent KV "head" that every rank holds whole: no KV-head divisibility rule.
  if (!model.mla && (nkv >= tp ? nkv % tp !== 0 : tp % nkv !== 0)) {
    problems.push({
      kind: 'kv-heads',
      message: `Total number of key-value heads (${nkv}) must be divisible by tensor parallel size (${tp}), or tensor parallel size by it.`,
    })
  }
  if (pp > model.numLayers) {
    problems.push({ kind: 'gpus', message: `pipeline_parallel_size (${pp}) is larger than the number of hidden layers (${model.numLayers}).` })
  }
  // Block-wise FP8 checkpoints: each TP shard of gate/up must be a whole number of blocks.
  if (model.weightBlockSize !== undefined && !engine.enableExpertParallel) {
    const blockN = model.weightBlockSize[0]
    const width = model.moe ? model.moe.moeIntermediateSize : model.intermediateSize
    if ((width / tp) % blockN !== 0) {
      problems.push({
        kind: 'block-quant',
        message: `The output_size of gate's and up's weight = ${width / tp} is not divisible by weight quantization block_n = ${blockN}.`,
      })
    }
  }
  if (engine.maxModelLen > model.maxPositionEmbeddings) {
    problems.push({
      kind: 'max-model-len',
      message:
        `User-specified max_model_len (${engine.maxModelLen}) is greater than the derived max_model_len (max_position_embeddings=${model.maxPositionEmbeddings} or model_max_length=None in model's config.json). ` +
        'To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1.',
    })
  }

  const p = paramCounts(model)
  const totalBytes = hardware.gpu.memoryMb * 1024 * 1024
  const budgetBytes = totalBytes * engine.gpuMemoryUtilization
  const format = effectiveWeightFormat(model, engine)
  const bytes = (group: Parameters<typeof groupBytes>[1]): number => groupBytes(format, group)
  // Embedding and lm_head stay 16-bit under vLLM's fp8/int quantization.
  const embedBytes = 2
  const expertShare = expertShareOfBusiestGpu(model, engine)
  // One layer's weights on one GPU. Attention: sharded over TP, MLA's down-projections replicated,
  // plus the 16-bit absorbed copies of kv_b (W_UK_T, W_UV) vLLM's MLA backends build at load
  // (vllm/v1/attention/backends/mla/common.py process_weights_after_loading). Router replicated.
  const attentionLayer =
    ((p.attentionPerLayer - p.attentionReplicatedPerLayer) * bytes('attention')) / tp +
    p.attentionReplicatedPerLayer * bytes('attention') +
    (p.mlaKvBPerLayer * 2) / tp
  const moeMlpLayer = model.moe
    ? p.routedExpertsPerLayer * bytes('routedExperts') * expertShare + (p.sharedExpertsPerLayer * bytes('sharedExperts')) / tp + p.routerPerLayer * 2
    : 0
  const denseMlpLayer = (p.denseMlpPerLayer * bytes('denseMlp')) / tp
  const stageLayers = layersPerStage(model.numLayers, pp)
  const stageDense = denseLayersPerStage(model, pp)
  const stages: StageMemory[] = stageLayers.map((layers, stage) => {
    const dense = stageDense[stage]!
    // Dense GQA models without a checkpoint format keep the original single expression (their
    // figures must not move by a bit); a checkpoint's format may keep some groups 16-bit.
    let weights = !model.moe && !model.mla && model.weightFormat === undefined
      ? (layers * ((p.attentionPerLayer + p.mlpPerLayer) * format.bytesPerWeight)) / tp
      : layers * attentionLayer + dense * denseMlpLayer + (layers - dense) * moeMlpLayer
    // The vision encoder stays 16-bit; `--mm-encoder-tp-mode data` keeps it whole on every rank.
    if (stage === 0) weights += (p.embedding * embedBytes) / tp + (p.vision * 2) / (engine.mmEncoderReplicated ? 1 : tp)
    if (stage === pp - 1) weights += (p.lmHead * embedBytes) / tp
    const peak = profileRunPeak(model, engine, stage, kvHeadsPerGpu(model, tp), c.activationBytes, c.moeStartupReserveGiB)
    const activation = peak.peakBytes
    const nonTorch = (c.nonTorchReserveGiB + (tp * pp > 1 ? c.distributedReserveGiB : 0)) * GiB
    const kvBudget = engine.kvCacheMemoryBytes ?? budgetBytes - weights - activation - nonTorch
    const kvBytesPerToken = layers * kvBytesPerTokenPerLayer(model, tp, engine.kvBytes, engine.kvCacheDtype)
    const kvBlocks = engine.numGpuBlocksOverride ?? Math.max(0, Math.floor(kvBudget / (kvBytesPerToken * engine.blockSize)))
    return {
      stage,
      layers,
      weightsGiB: weights / GiB,
      activationGiB: activation / GiB,
      forwardGiB: peak.forwardBytes / GiB,
      samplerGiB: peak.samplerBytes / GiB,
      nonTorchGiB: nonTorch / GiB,
      kvGiB: Math.max(0, kvBudget) / GiB,
      kvBytesPerToken,
      kvBlocks,
    }
  })
  // The stage that runs out first decides.
  const worst = stages.reduce((a, b) => (b.kvBlocks < a.kvBlocks ? b : a))
  const heaviest = stages.reduce((a, b) => (b.weightsGiB + b.activationGiB > a.weightsGiB + a.activationGiB ? b : a))
  const contextBytes = c.cudaContextGiB * GiB
  const heaviestWeights = heaviest.weightsGiB * GiB
  const memoryProblemsAllowed = !problems.some((x) => x.kind === 'gpus' || x.kind === 'heads' || x.kind === 'kv-heads')
  if (memoryProblemsAllowed) {
    if (heaviestWeights + contextBytes > totalBytes) {
      const free = Math.max(0, totalBytes - contextBytes)
      problems.push({
        kind: 'oom',
        message:
          `CUDA out of memory. Tried to allocate ${gib(heaviestWeights - free)} more for model weights: ${model.id} needs ${gib(heaviestWeights)} of weights per GPU ` +
          `with tp=${tp} pp=${pp}, and GPU 0 (${hardware.gpu.name}) has a total capacity of ${gib(totalBytes)} of which ${gib(free)} is free.`,
      })
    } else if (heaviestWeights + heaviest.activationGiB * GiB + heaviest.nonTorchGiB * GiB + contextBytes > totalBytes) {
      problems.push({
        kind: 'oom',
        message:
          `CUDA out of memory during the profile run (max_num_batched_tokens=${engine.maxNumBatchedTokens}): weights ${gib(heaviestWeights)} + activations ` +
          `${gib(heaviest.activationGiB * GiB)} per GPU exceed the ${gib(totalBytes)} of ${hardware.gpu.name}.`,
      })
    } else if (worst.kvBlocks <= 0) {
      problems.push({
        kind: 'no-kv-memory',
        message:
          'No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine. ' +
          `(${model.id} tp=${tp} pp=${pp}: weights ${gib(heaviestWeights)} + activations ${gib(heaviest.activationGiB * GiB)} + non-torch ${gib(heaviest.nonTorchGiB * GiB)} ` +
          `per GPU vs budget ${gib(budgetBytes)} = ${engine.gpuMemoryUtilization} × ${gib(totalBytes)})`,
      })
    }
  }
  const kvCapacityTokens = worst.kvBlocks * engine.blockSize
  const maxModelLenSupported = kvCapacityTokens
  if (memoryProblemsAllowed && worst.kvBlocks > 0 && engine.maxModelLen > kvCapacityTokens) {
    const needed = engine.maxModelLen * worst.kvBytesPerToken
    const available = worst.kvBlocks * engine.blockSize * worst.kvBytesPerToken
    problems.push({
      kind: 'kv-too-small',
      message:
        `To serve at least one request with the models's max seq len (${engine.maxModelLen}), (${gib(needed)} KV cache is needed, which is larger than the available KV cache memory (${gib(available)}). ` +
        `Based on the available memory, the estimated maximum model length is ${kvCapacityTokens}. Try increasing \`gpu_memory_utilization\` or decreasing \`max_model_len\` when initializing the engine.`,
    })
  }
  return {
    totalGiBPerGpu: totalBytes / GiB,
    budgetGiBPerGpu: budgetBytes / GiB,
    stages,
    kvBlocks: worst.kvBlocks,
    kvCapacityTokens,
    weightsGiBPerGpu: heaviest.weightsGiB,
    kvGiBPerGpu: worst.kvGiB,
    maxModelLenSupported,
    problems,
  }
}
