import { readFile } from 'node:fs/promises'
import { MlnodeBenchError } from '../errors.js'

/** Mixture-of-experts fields of a HF config.json (Qwen3-MoE names). */
export interface MoeSpec {
  /** `num_experts`: routed experts per MoE layer. */
  numExperts: number
  /** `num_experts_per_tok`: top-k. */
  numExpertsPerTok: number
  /** `moe_intermediate_size`: one expert's SwiGLU width. */
  moeIntermediateSize: number
  /** `shared_expert_intermediate_size` (0 when the model has no shared expert). */
  sharedExpertIntermediateSize: number
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
  moe?: MoeSpec
}

const QWQ_32B: ModelSpec = {
  id: 'Qwen/QwQ-32B',
  numLayers: 64,
  hiddenSize: 5120,
  intermediateSize: 27648,
  numAttentionHeads: 40,
  numKeyValueHeads: 8,
  headDim: 128,
  vocabSize: 152064,
  maxPositionEmbeddings: 40960,
  tieWordEmbeddings: false,
  torchDtype: 'bfloat16',
}

const QWEN3_32B: ModelSpec = {
  id: 'Qwen/Qwen3-32B',
  numLayers: 64,
  hiddenSize: 5120,
  intermediateSize: 25600,
  numAttentionHeads: 64,
  numKeyValueHeads: 8,
  headDim: 128,
  vocabSize: 151936,
  maxPositionEmbeddings: 40960,
  tieWordEmbeddings: false,
  torchDtype: 'bfloat16',
}

const QWEN3_235B: ModelSpec = {
  id: 'Qwen/Qwen3-235B-A22B',
  numLayers: 94,
  hiddenSize: 4096,
  intermediateSize: 12288,
  numAttentionHeads: 64,
  numKeyValueHeads: 4,
  headDim: 128,
  vocabSize: 151936,
  maxPositionEmbeddings: 40960,
  tieWordEmbeddings: false,
  torchDtype: 'bfloat16',
  moe: { numExperts: 128, numExpertsPerTok: 8, moeIntermediateSize: 1536, sharedExpertIntermediateSize: 0 },
}

const FP8_BLOCK = { checkpointQuantization: 'fp8', weightBlockSize: [128, 128] as const }

// Figures: the models' config.json on Hugging Face (docs/perf-model.md "Models").
const MODELS: readonly ModelSpec[] = [
  QWQ_32B,
  {
    id: 'Qwen/Qwen2.5-7B-Instruct',
    numLayers: 28,
    hiddenSize: 3584,
    intermediateSize: 18944,
    numAttentionHeads: 28,
    numKeyValueHeads: 4,
    headDim: 128,
    vocabSize: 152064,
    maxPositionEmbeddings: 32768,
    tieWordEmbeddings: false,
    torchDtype: 'bfloat16',
  },
  QWEN3_32B,
  { ...QWEN3_32B, id: 'Qwen/Qwen3-32B-FP8', ...FP8_BLOCK },
  QWEN3_235B,
  { ...QWEN3_235B, id: 'Qwen/Qwen3-235B-A22B-FP8', ...FP8_BLOCK },
  { ...QWEN3_235B, id: 'Qwen/Qwen3-235B-A22B-Instruct-2507', maxPositionEmbeddings: 262144 },
  { ...QWEN3_235B, id: 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8', maxPositionEmbeddings: 262144, ...FP8_BLOCK },
  {
    // Qwen/Qwen2.5-72B-Instruct config.json (80 layers, GQA 64/8, vocab 152064, 32k positions).
    id: 'Qwen/Qwen2.5-72B-Instruct',
    numLayers: 80,
    hiddenSize: 8192,
    intermediateSize: 29568,
    numAttentionHeads: 64,
    numKeyValueHeads: 8,
    headDim: 128,
    vocabSize: 152064,
    maxPositionEmbeddings: 32768,
    tieWordEmbeddings: false,
    torchDtype: 'bfloat16',
  },
  {
    // Qwen/Qwen3-14B config.json (40 layers, GQA 40/8, head_dim 128).
    id: 'Qwen/Qwen3-14B',
    numLayers: 40,
    hiddenSize: 5120,
    intermediateSize: 17408,
    numAttentionHeads: 40,
    numKeyValueHeads: 8,
    headDim: 128,
    vocabSize: 151936,
    maxPositionEmbeddings: 40960,
    tieWordEmbeddings: false,
    torchDtype: 'bfloat16',
  },
  {
    id: 'meta-llama/Llama-3.1-8B',
    numLayers: 32,
    hiddenSize: 4096,
    intermediateSize: 14336,
    numAttentionHeads: 32,
    numKeyValueHeads: 8,
    headDim: 128,
    vocabSize: 128256,
    maxPositionEmbeddings: 131072,
    tieWordEmbeddings: false,
    torchDtype: 'bfloat16',
  },
  {
    id: 'meta-llama/Llama-3.1-70B',
    numLayers: 80,
    hiddenSize: 8192,
    intermediateSize: 28672,
    numAttentionHeads: 64,
    numKeyValueHeads: 8,
    headDim: 128,
    vocabSize: 128256,
    maxPositionEmbeddings: 131072,
    tieWordEmbeddings: false,
    torchDtype: 'bfloat16',
  },
]

/** Aliases: instruct variants share the base model's shapes. */
const ALIASES: Readonly<Record<string, string>> = {
  'meta-llama/llama-3.1-8b-instruct': 'meta-llama/Llama-3.1-8B',
  'meta-llama/llama-3.1-70b-instruct': 'meta-llama/Llama-3.1-70B',
  'meta-llama/meta-llama-3.1-8b-instruct': 'meta-llama/Llama-3.1-8B',
  'meta-llama/meta-llama-3.1-70b-instruct': 'meta-llama/Llama-3.1-70B',
  'qwen/qwen2.5-7b': 'Qwen/Qwen2.5-7B-Instruct',
}

/** Every model in the catalog. */
export function listModelSpecs(): ModelSpec[] {
  return [...MODELS]
}

/**
 * The catalog model with this HF id (case-insensitive; Llama instruct ids map to their base).
 * @throws MlnodeBenchError 'MLNB_MODEL' listing the known ids (use loadModelConfig for others).
 */
export function getModelSpec(id: string): ModelSpec {
  const wanted = id.trim().toLowerCase()
  const target = ALIASES[wanted]?.toLowerCase() ?? wanted
  const found = MODELS.find((m) => m.id.toLowerCase() === target)
  if (found === undefined) {
    throw new MlnodeBenchError(
      'MLNB_MODEL',
      `Unknown model "${id}". Known models: ${MODELS.map((m) => m.id).join(', ')}; or pass a local HF config.json.`,
      { details: { model: id, known: MODELS.map((m) => m.id) } },
    )
  }
  return found
}

function fail(file: string, field: string, problem: string): never {
  throw new MlnodeBenchError('MLNB_MODEL', `${file}: field "${field}" ${problem}`, { details: { file, field } })
}

function positiveInt(cfg: Record<string, unknown>, file: string, field: string, fallback?: number): number {
  const value = cfg[field]
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback
    fail(file, field, 'is missing')
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(file, field, `must be a positive integer, got ${JSON.stringify(value)}`)
  return value
}

/**
 * Builds a ModelSpec from a parsed HF config.json object (`text_config` of multimodal configs is
 * used when present). `file` names the source in error messages.
 * @throws MlnodeBenchError 'MLNB_MODEL' naming the file and the field.
 */
export function modelSpecFromHfConfig(raw: unknown, file: string, id: string = file): ModelSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, '(root)', 'must be a JSON object')
  const top = raw as Record<string, unknown>
  const cfg = (typeof top.text_config === 'object' && top.text_config !== null ? top.text_config : top) as Record<string, unknown>
  const hiddenSize = positiveInt(cfg, file, 'hidden_size')
  const numAttentionHeads = positiveInt(cfg, file, 'num_attention_heads')
  const numExperts = cfg.num_experts ?? cfg.n_routed_experts
  const spec: ModelSpec = {
    id,
    numLayers: positiveInt(cfg, file, 'num_hidden_layers'),
    hiddenSize,
    intermediateSize: positiveInt(cfg, file, 'intermediate_size'),
    numAttentionHeads,
    numKeyValueHeads: positiveInt(cfg, file, 'num_key_value_heads', numAttentionHeads),
    headDim: positiveInt(cfg, file, 'head_dim', Math.floor(hiddenSize / numAttentionHeads)),
    vocabSize: positiveInt(cfg, file, 'vocab_size'),
    maxPositionEmbeddings: positiveInt(cfg, file, 'max_position_embeddings'),
    tieWordEmbeddings: cfg.tie_word_embeddings === true || top.tie_word_embeddings === true,
    torchDtype: typeof (cfg.torch_dtype ?? top.torch_dtype) === 'string' ? String(cfg.torch_dtype ?? top.torch_dtype) : 'bfloat16',
  }
  const quant = (top.quantization_config ?? cfg.quantization_config) as Record<string, unknown> | undefined
  if (quant !== undefined && quant !== null) {
    if (typeof quant !== 'object' || typeof quant.quant_method !== 'string') fail(file, 'quantization_config.quant_method', 'must be a string')
    spec.checkpointQuantization = quant.quant_method
    const block = quant.weight_block_size
    if (Array.isArray(block) && block.length === 2 && block.every((b) => typeof b === 'number')) {
      spec.weightBlockSize = [block[0] as number, block[1] as number]
    }
  }
  if (numExperts !== undefined && numExperts !== null) {
    const field = cfg.num_experts !== undefined ? 'num_experts' : 'n_routed_experts'
    spec.moe = {
      numExperts: positiveInt(cfg, file, field),
      numExpertsPerTok: positiveInt(cfg, file, 'num_experts_per_tok'),
      moeIntermediateSize: positiveInt(cfg, file, 'moe_intermediate_size'),
      sharedExpertIntermediateSize:
        cfg.shared_expert_intermediate_size === undefined ? 0 : positiveInt(cfg, file, 'shared_expert_intermediate_size'),
    }
  }
  return spec
}

/**
 * Reads a local HF config.json into a ModelSpec.
 * @throws MlnodeBenchError 'MLNB_MODEL' naming the file (and the field when one is wrong).
 */
export async function loadModelConfig(path: string): Promise<ModelSpec> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_MODEL', `${path}: cannot read model config: ${(cause as Error).message}`, { cause, details: { file: path } })
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (cause) {
    throw new MlnodeBenchError('MLNB_MODEL', `${path}: not valid JSON: ${(cause as Error).message}`, { cause, details: { file: path } })
  }
  return modelSpecFromHfConfig(raw, path)
}
