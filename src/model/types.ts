/**
 * Contracts of the performance model (src/model) that the simulator (src/sim) and `predict` use.
 * The model owns catalogs (GPUs, models, hardware profiles), memory planning and step cost;
 * the simulator owns scheduling, clocks and HTTP. Dependencies point sim → model, never back.
 */

/** One engine step's batch, as vLLM's scheduler formed it. */
export interface StepBatch {
  /** Prefill chunks scheduled this step: `tokens` new prompt tokens after `contextBefore` cached ones. */
  prefill: ReadonlyArray<{ tokens: number; contextBefore: number }>
  /** Decoding sequences (one new token each) with their current context length. */
  decode: ReadonlyArray<{ contextLen: number }>
}

/** Seconds one engine step takes on one instance. Pure and deterministic. */
export type StepCostFn = (batch: StepBatch) => number

/** vLLM engine settings that matter to time and memory, resolved from a variant's args. */
export interface EngineConfig {
  tp: number
  pp: number
  maxNumSeqs: number
  maxNumBatchedTokens: number
  maxModelLen: number
  /** Tokens per KV block. */
  blockSize: number
  gpuMemoryUtilization: number
  /** Bytes per weight element (2 bf16/fp16, 1 fp8/int8, 0.5 int4). */
  weightBytes: number
  /** Bytes per KV-cache element (2, or 1 with fp8 kv-cache). */
  kvBytes: number
  /** `--kv-cache-dtype` as given ('fp8_ds_mla' stores MLA's latent in a 656-byte layout). */
  kvCacheDtype?: string
  enableChunkedPrefill: boolean
  enablePrefixCaching: boolean
  /** `--enable-expert-parallel`: MoE experts spread over the TP ranks instead of sliced. */
  enableExpertParallel?: boolean
  /** `--mm-encoder-tp-mode data`: every TP rank holds the whole vision encoder (default: sharded). */
  mmEncoderReplicated?: boolean
  /** `--kv-cache-memory-bytes` (per GPU), replacing the gpu_memory_utilization budget for KV. */
  kvCacheMemoryBytes?: number
  /** `--num-gpu-blocks-override`. */
  numGpuBlocksOverride?: number
}

/** What one vLLM instance of a variant can hold and how fast it steps. */
export interface InstanceModel {
  engine: EngineConfig
  /** KV-cache blocks available to the scheduler (per instance, across its GPUs). */
  kvBlocks: number
  weightsGiBPerGpu: number
  kvGiBPerGpu: number
  stepCost: StepCostFn
  /**
   * Scheduled tokens one simulated step may hold. With pipeline parallelism vLLM keeps up to PP
   * batches in flight, each with its own max_num_batched_tokens budget, and stepCost prices a
   * step as one pipeline round of up to PP micro-batches; so a round may hold
   * micro-batches × max_num_batched_tokens. Equals max_num_batched_tokens without PP.
   * @default engine.maxNumBatchedTokens
   */
  roundTokenBudget?: number
  /**
   * Seconds between a request reaching the server and its entering the scheduler's queue (HTTP,
   * chat template, tokenization, hand-over to the engine process) plus the first token's way back
   * (detokenization, SSE): added once to every request's TTFT. @default 0
   */
  requestOverheadS?: number
}
