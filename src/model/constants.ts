import { MOE_PROFILE_RESERVE_GIB } from './profile-peak.js'
/**
 * Every tunable constant of the performance model, with its source. Override any of them through
 * `ModelConstants` (partial); `resolveModelConstants` applies the defaults once.
 * Sources: docs/perf-model.md ("Efficiency", "Formulas", §4 constants).
 */
export interface ResolvedModelConstants {
  /**
   * Model-bandwidth utilisation of weight reads in GEMMs (fraction of peak memory BW).
   * docs/perf-model.md "Efficiency": MBU 0.7–0.85 for decode.
   * @default 0.8
   */
  mbuWeights: number
  /**
   * Bandwidth utilisation of paged-attention KV reads (scattered 16-token blocks read less
   * efficiently than contiguous weights). Low end of the 0.7–0.85 range.
   * @default 0.7
   */
  mbuKv: number
  /**
   * Model-FLOPs utilisation of GEMMs (prefill, large batches). docs/perf-model.md "Efficiency": 0.5–0.7.
   * @default 0.6
   */
  mfuLinear: number
  /**
   * FLOPs utilisation of attention (FlashAttention / FlashInfer). docs/perf-model.md "Efficiency": 0.3–0.5 on
   * consumer cards.
   * @default 0.4
   */
  mfuAttention: number
  /**
   * Fixed time per transformer layer per step outside the GEMM/attention rooflines. vLLM V1 runs
   * piecewise CUDA graphs that leave attention eager (docs/perf-model.md §4 "Per-layer time"):
   * each layer replays a graph piece and launches the attention kernels from Python, a few
   * launches of 4-6 us each plus dispatch; small kernels (norms, rotary, activation) add their
   * own fixed time.
   * @default 30e-6 seconds
   */
  layerOverheadS: number
  /**
   * CPU scheduling + input preparation + sampling per engine step (docs/perf-model.md "Efficiency": ~1 ms).
   * @default 1e-3 seconds
   */
  stepOverheadS: number
  /**
   * CPU time of one request in vLLM's OpenAI API server before the scheduler sees it: HTTP and
   * JSON parsing, chat template, tokenization (one tokenizer thread per server), the hand-over
   * to the engine-core process, and the first token's way back (docs/perf-model.md §4 "Front
   * end"). Requests pass the front end one at a time, so a burst queues there: it adds to TTFT
   * and caps an instance at 1 / requestOverheadS requests per second.
   * @default 8e-3 seconds
   */
  requestOverheadS: number
  /**
   * Pipeline micro-batches in flight (docs/perf-model.md "Formulas": vLLM keeps up to PP batches in flight; in
   * practice it may form only one). `undefined` = PP (capped by the sequences in the batch).
   * @default undefined (= pp)
   */
  ppMicroBatches: number | undefined
  /**
   * Under PP, price a prefill chunk larger than max_num_batched_tokens (possible only when a
   * step fills a whole pipeline round, InstanceModel.roundTokenBudget) as pieces in separate
   * micro-batches. vLLM itself fills the other micro-batches with OTHER requests' chunks (a
   * request in flight is not rescheduled), so this is right under load and optimistic for a
   * single stream (up to PP× on its prefill). `false` = the chunk stays whole.
   * @default true
   */
  ppSplitLongChunks: boolean
  /**
   * Bytes per activation element moved by all-reduces and stage sends, and held by the profile
   * run's forward pass (BF16/FP16 activations; FP8 models keep 16-bit activations between layers).
   * @default 2
   */
  activationBytes: number
  /**
   * GiB per GPU outside torch's allocator that vLLM counts against gpu_memory_utilization (its
   * "non-torch memory": cuBLAS workspaces, allocator slack). vLLM v0.11.0 logs 0.13-0.14 GiB on
   * one H100 (docs/perf-model.md §3 "Measured").
   * @default 0.14
   */
  nonTorchReserveGiB: number
  /**
   * Extra non-torch GiB per GPU when TP·PP > 1 (NCCL and custom all-reduce buffers): vLLM
   * v0.11.0 logs 0.54-0.55 GiB at TP2 on H100, 0.41 above the single-GPU figure.
   * @default 0.41
   */
  distributedReserveGiB: number
  /**
   * Memory in use before vLLM measures anything (CUDA context, torch start-up), GiB per GPU:
   * counts toward OOM, not toward the gpu_memory_utilization budget. vLLM v0.11.0 logs
   * "Free memory on device (78.57/79.18 GiB) on startup" on one H100: 0.61.
   * @default 0.61
   */
  cudaContextGiB: number
  /**
   * How MoE expert weights are read per step: 'touched' = only experts some token routes to
   * (expected count under uniform routing, E·(1−(1−k/E)^T), which tends to all experts as the
   * batch grows); 'all' = every expert every step (docs/perf-model.md §4's "all params for memory").
   * @default 'touched'
   */
  moeWeightReads: 'touched' | 'all'
  /**
   * GiB per GPU that MoE models reserve at start-up beyond max(forward, sampler) peak
   * (profile-peak.ts MOE_PROFILE_RESERVE_GIB: the mean gap of two published vLLM start-up logs;
   * docs/perf-model.md §8 "MoE"). A box's own "Available KV cache memory" line settles it.
   * @default 1.945
   */
  moeStartupReserveGiB: number
  /**
   * Multiplier on the catalog's interconnect bandwidths (all-reduce bus bandwidth and stage
   * sends): 1 = the catalog's figures. `calibrate` fits it to a box's measured runs (a box with
   * P2P off, a slower PCIe slot or a switch in the path moves less than the catalog says).
   * @default 1
   */
  interconnectBandwidthScale: number
  /**
   * Multiplier on the catalog's all-reduce and send latencies. Fitted by `calibrate`.
   * @default 1
   */
  interconnectLatencyScale: number
}

/** User overrides of the model constants (any subset). */
export type ModelConstants = Partial<ResolvedModelConstants>

/** The defaults, documented in docs/perf-model.md. */
export const DEFAULT_MODEL_CONSTANTS: Readonly<ResolvedModelConstants> = Object.freeze({
  mbuWeights: 0.8,
  mbuKv: 0.7,
  mfuLinear: 0.6,
  mfuAttention: 0.4,
  layerOverheadS: 30e-6,
  stepOverheadS: 1e-3,
  requestOverheadS: 8e-3,
  ppMicroBatches: undefined,
  ppSplitLongChunks: true,
  activationBytes: 2,
  nonTorchReserveGiB: 0.14,
  distributedReserveGiB: 0.41,
  cudaContextGiB: 0.61,
  moeWeightReads: 'touched',
  moeStartupReserveGiB: MOE_PROFILE_RESERVE_GIB,
  interconnectBandwidthScale: 1,
  interconnectLatencyScale: 1,
})

/** Applies the defaults to a partial set of constants. */
export function resolveModelConstants(overrides: ModelConstants = {}): ResolvedModelConstants {
  const out: ResolvedModelConstants = { ...DEFAULT_MODEL_CONSTANTS }
  for (const [key, value] of Object.entries(overrides) as Array<[keyof ResolvedModelConstants, unknown]>) {
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value
  }
  return out
}
