import { MlnodeBenchError } from '../errors.js'
import type { HardwareProfile } from './hardware.js'
import type { ModelSpec } from './models.js'
import type { EngineConfig } from './types.js'

/** Parsed vLLM args: canonical long names without dashes ('tensor-parallel-size') → value. */
export type VllmArgValues = ReadonlyMap<string, string | boolean>

/** Which vLLM entry point started the engine: its batch defaults differ. */
export type UsageContext = 'openai-api-server' | 'llm-class'

/** Options of resolveEngineConfig. */
export interface EngineConfigOptions {
  /** MLNode starts `vllm.entrypoints.openai.api_server`. @default 'openai-api-server' */
  usageContext?: UsageContext
}

/**
 * vLLM's default scheduler budget when the args set none (`EngineArgs.get_batch_defaults`,
 * vllm/engine/arg_utils.py, v0.10+): GPUs with ≥ 70 GiB that are not A100 get 8192 batched
 * tokens / 1024 seqs for the API server (16384 for the LLM class); every other GPU gets 2048 /
 * 256 for the API server and 8192 / 256 for the LLM class. (The A100 exclusion is vLLM PR
 * #17885: large budgets lowered its throughput.) docs/perf-model.md's "8192 / 256 under 70 GiB" is
 * the LLM-class figure; MLNode runs the API server.
 */
export function defaultBatchLimits(
  hardware: HardwareProfile,
  usageContext: UsageContext = 'openai-api-server',
): { maxNumBatchedTokens: number; maxNumSeqs: number } {
  const bigGpu = hardware.gpu.memoryMb >= 70 * 1024 && !hardware.gpu.name.toLowerCase().includes('a100')
  if (bigGpu) return usageContext === 'openai-api-server' ? { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 } : { maxNumBatchedTokens: 16384, maxNumSeqs: 1024 }
  return usageContext === 'openai-api-server' ? { maxNumBatchedTokens: 2048, maxNumSeqs: 256 } : { maxNumBatchedTokens: 8192, maxNumSeqs: 256 }
}

function badArg(name: string, value: unknown, expected: string): never {
  throw new MlnodeBenchError('MLNB_ARGS_PARSE', `--${name}: expected ${expected}, got ${JSON.stringify(value)}`, {
    details: { arg: name, value },
  })
}

function intArg(args: VllmArgValues, name: string, fallback: number, min = 1): number {
  const raw = args.get(name)
  if (raw === undefined) return fallback
  const n = typeof raw === 'string' ? Number(raw.trim()) : NaN
  if (!Number.isInteger(n) || n < min) badArg(name, raw, `an integer >= ${min}`)
  return n
}

/** `--max-model-len` accepts 32k (×1000) and 32K (×1024) since vLLM v0.8.4. */
export function parseMaxModelLen(raw: string | boolean): number {
  const m = typeof raw === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)\s*$/.exec(raw) : null
  if (m === null) badArg('max-model-len', raw, 'a positive integer or 32k / 32K')
  const unit = m[2] ?? ''
  const scale: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }
  const n = Math.round(Number(m[1]) * scale[unit]!)
  if (!(n > 0)) badArg('max-model-len', raw, 'a positive integer')
  return n
}

function boolArg(args: VllmArgValues, name: string, fallback: boolean): boolean {
  const negated = args.get(`no-${name}`)
  if (negated === true || negated === 'true') return false
  const raw = args.get(name)
  if (raw === undefined) return fallback
  if (raw === true || raw === 'true' || raw === 'True' || raw === '') return true
  if (raw === false || raw === 'false' || raw === 'False') return false
  return badArg(name, raw, 'true or false')
}

/** Bytes per weight element for a `--quantization` method. */
function quantizationBytes(method: string): number | undefined {
  const m = method.toLowerCase()
  if (['fp8', 'fbgemm_fp8', 'modelopt', 'ptpc_fp8', 'fp8_e4m3', 'experts_int8', 'int8', 'compressed-tensors', 'compressed_tensors'].includes(m)) return 1
  if (['awq', 'awq_marlin', 'gptq', 'gptq_marlin', 'marlin', 'bitsandbytes', 'gguf', 'modelopt_fp4', 'mxfp4'].includes(m)) return 0.5
  return undefined
}

/** Bytes per element of the activation dtype (`--dtype`, else the checkpoint's torch_dtype). */
export function dtypeBytes(dtype: string): number {
  const d = dtype.toLowerCase()
  if (d === 'float32' || d === 'float' || d === 'fp32') return 4
  if (['auto', 'half', 'float16', 'fp16', 'bfloat16', 'bf16'].includes(d)) return 2
  throw new MlnodeBenchError('MLNB_ARGS_PARSE', `--dtype: unknown dtype ${JSON.stringify(dtype)} (auto, half, float16, bfloat16, float, float32)`, {
    details: { arg: 'dtype', value: dtype },
  })
}

/**
 * Resolves the engine settings of one variant from its parsed args, with vLLM's defaults:
 * TP = PP = 1, block size 16, gpu_memory_utilization 0.9, max_model_len = the model's
 * max_position_embeddings, batch budget per `defaultBatchLimits`, chunked prefill and prefix
 * caching on (V1). `--quantization fp8` (or an FP8 checkpoint) → 1-byte weights;
 * `--kv-cache-dtype fp8*` → 1-byte KV; otherwise both follow `dtype` (MLNode sends "float16").
 * @throws MlnodeBenchError 'MLNB_ARGS_PARSE' naming the arg and its bad value.
 */
export function resolveEngineConfig(
  args: VllmArgValues,
  model: ModelSpec,
  hardware: HardwareProfile,
  dtype?: string,
  options: EngineConfigOptions = {},
): EngineConfig {
  const defaults = defaultBatchLimits(hardware, options.usageContext)
  const dtypeArg = args.get('dtype')
  const effectiveDtype = typeof dtypeArg === 'string' ? dtypeArg : dtype ?? 'auto'
  const activationBytes = dtypeBytes(effectiveDtype === 'auto' ? model.torchDtype : effectiveDtype)

  let weightBytes = activationBytes
  const quant = args.get('quantization')
  if (typeof quant === 'string' && quant !== '' && quant.toLowerCase() !== 'none') {
    const bytes = quantizationBytes(quant)
    if (bytes === undefined) badArg('quantization', quant, 'a quantization method the model knows (fp8, awq, gptq, …)')
    weightBytes = bytes
  } else if (model.weightFormat !== undefined) {
    // The checkpoint's own format (weight-format.ts): 8- or 4-bit weights; memory.ts adds the scales.
    weightBytes = model.weightFormat.bits / 8
  } else if (model.checkpointQuantization !== undefined) {
    weightBytes = quantizationBytes(model.checkpointQuantization) ?? weightBytes
  }

  let kvBytes = activationBytes
  const kvDtype = args.get('kv-cache-dtype')
  if (typeof kvDtype === 'string' && kvDtype !== 'auto') {
    if (/^fp8(_e4m3|_e5m2|_inc|_ds_mla)?$/i.test(kvDtype)) kvBytes = 1
    else if (['bfloat16', 'float16', 'half'].includes(kvDtype)) kvBytes = 2
    else badArg('kv-cache-dtype', kvDtype, 'auto, fp8, fp8_e4m3, fp8_e5m2, bfloat16')
  }

  const maxModelLenRaw = args.get('max-model-len')
  const gmuRaw = args.get('gpu-memory-utilization')
  let gpuMemoryUtilization = 0.9
  if (gmuRaw !== undefined) {
    gpuMemoryUtilization = typeof gmuRaw === 'string' ? Number(gmuRaw) : NaN
    if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) badArg('gpu-memory-utilization', gmuRaw, 'a number in (0, 1]')
  }
  const engine: EngineConfig = {
    tp: intArg(args, 'tensor-parallel-size', 1),
    pp: intArg(args, 'pipeline-parallel-size', 1),
    maxNumSeqs: intArg(args, 'max-num-seqs', defaults.maxNumSeqs),
    maxNumBatchedTokens: intArg(args, 'max-num-batched-tokens', defaults.maxNumBatchedTokens),
    maxModelLen: maxModelLenRaw === undefined ? model.maxPositionEmbeddings : parseMaxModelLen(maxModelLenRaw),
    blockSize: intArg(args, 'block-size', 16),
    gpuMemoryUtilization,
    weightBytes,
    kvBytes,
    enableChunkedPrefill: boolArg(args, 'enable-chunked-prefill', true),
    enablePrefixCaching: boolArg(args, 'enable-prefix-caching', true),
    enableExpertParallel: boolArg(args, 'enable-expert-parallel', false),
  }
  if (typeof kvDtype === 'string' && kvDtype !== 'auto') engine.kvCacheDtype = kvDtype.toLowerCase()
  const encoderMode = args.get('mm-encoder-tp-mode')
  if (encoderMode !== undefined && encoderMode !== 'weights' && encoderMode !== 'data') badArg('mm-encoder-tp-mode', encoderMode, 'weights or data')
  if (encoderMode === 'data') engine.mmEncoderReplicated = true
  if (args.has('kv-cache-memory-bytes')) engine.kvCacheMemoryBytes = intArg(args, 'kv-cache-memory-bytes', 0)
  if (args.has('num-gpu-blocks-override')) engine.numGpuBlocksOverride = intArg(args, 'num-gpu-blocks-override', 0)
  return engine
}
