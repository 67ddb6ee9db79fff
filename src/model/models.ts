import { readFile } from 'node:fs/promises'
import { MlnodeBenchError } from '../errors.js'
import { modelSpecFromHfConfig } from './hf-config.js'
import { PUBLISHED_CONFIGS } from './published-configs.js'
import { parseWeightFormat } from './weight-format.js'
import type { ModelSpec } from './model-spec.js'

export { modelSpecFromHfConfig } from './hf-config.js'
export type { MlaSpec, ModelSpec, MoeSpec } from './model-spec.js'

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

// Qwen/Qwen3-*-FP8 config.json: quantization_config {quant_method: fp8, weight_block_size: [128, 128]}.
const FP8_BLOCK = {
  checkpointQuantization: 'fp8',
  weightBlockSize: [128, 128] as const,
  weightFormat: parseWeightFormat({ quant_method: 'fp8', activation_scheme: 'dynamic', weight_block_size: [128, 128] }, 'Qwen FP8 config.json'),
}

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
  // MoE / MLA models of the Gonka network and their references, read from their published
  // config.json (src/model/published-configs.ts) by the one parser.
  ...PUBLISHED_CONFIGS.map((c) => modelSpecFromHfConfig(c.config, c.source, c.id)),
]

/** Aliases: instruct variants share the base model's shapes. */
const ALIASES: Readonly<Record<string, string>> = {
  'meta-llama/llama-3.1-8b-instruct': 'meta-llama/Llama-3.1-8B',
  'meta-llama/llama-3.1-70b-instruct': 'meta-llama/Llama-3.1-70B',
  'meta-llama/meta-llama-3.1-8b-instruct': 'meta-llama/Llama-3.1-8B',
  'meta-llama/meta-llama-3.1-70b-instruct': 'meta-llama/Llama-3.1-70B',
  'qwen/qwen2.5-7b': 'Qwen/Qwen2.5-7B-Instruct',
  // DeepSeek-R1(-0528) is DeepSeek-V3's checkpoint shape: the same config.json fields and FP8 block weights
  // (https://huggingface.co/deepseek-ai/DeepSeek-R1-0528/blob/main/config.json).
  'deepseek-ai/deepseek-r1': 'deepseek-ai/DeepSeek-V3',
  'deepseek-ai/deepseek-r1-0528': 'deepseek-ai/DeepSeek-V3',
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
