import type { ModelSpec } from './models.js'
import type { EngineConfig } from './types.js'

/**
 * vLLM's profile-run peak (docs/perf-model.md §3 "Profile-run peak"). vLLM sizes the KV cache
 * from the torch allocator's PEAK during `profile_run` (`allocated_bytes.all.peak`, vLLM
 * v0.10/v0.11 `Worker.determine_available_memory`), not from a sum: the dummy forward pass of
 * max_num_batched_tokens tokens runs first, then the dummy sampler run on the last PP stage,
 * and the caching allocator reuses what the forward pass freed. So the reserve is
 * max(forward peak, sampler peak), each counted from the tensors vLLM's code keeps alive.
 */

/**
 * Bytes per logit element alive at the dummy sampler run's peak (vLLM v0.10/v0.11,
 * `GPUModelRunner._dummy_sampler_run` with top_k = vocab − 1 and top_p = 0.9, so the
 * PyTorch-native `apply_top_k_top_p` sorts the whole vocabulary; FlashInfer's sampler is opt-in):
 */
export const SAMPLER_PEAK_BYTES_PER_LOGIT =
  2 + // 16-bit logits from compute_logits, still held by _dummy_sampler_run
  4 + // Sampler.forward: logits.to(torch.float32)
  4 + 8 + // logits.sort(): sorted fp32 values + int64 indices
  8 + // torch's segmented sort (≥ 128 rows): an int64 index array of the same shape
  4 + 8 // CUB DeviceSegmentedRadixSort: alternate key and value buffers in its scratch space

/**
 * What MoE models reserve at start-up beyond max(forward, sampler) as modelled here, GiB: the mean
 * of the two gaps found in published start-up logs at max_num_batched_tokens 8192 on an H100
 * (docs/perf-model.md "MoE memory at start-up"): gpt-oss-20b TP1, vLLM v0.11.0, torch peak 7.38 GiB
 * against 5.81 modelled (+1.57; llm-d-benchmark's profiling table); Qwen3-235B-A22B-FP8 TP4,
 * "Available KV cache memory: 8.11 GiB" against 10.43 modelled (+2.32; vLLM issue #21348).
 * Where it goes (fused-MoE workspaces, DeepGEMM's padded expert layout, kernel buffers) is not
 * settled by those logs; a box's own log is the check.
 */
export const MOE_PROFILE_RESERVE_GIB = (1.57 + 2.32) / 2

/** The two phases of the profile run on one GPU, bytes. */
export interface ProfilePeak {
  /** Forward pass: the heaviest point of one layer plus what lives across layers. */
  forwardBytes: number
  /** Dummy sampler run (last PP stage only, else 0): logits of min(max_num_seqs, T) rows. */
  samplerBytes: number
  /** What vLLM measures: max of the two (MoE models: plus the MoE start-up reserve). */
  peakBytes: number
}

/** Per-GPU widths of one token inside one layer, elements. */
function layerWidths(model: ModelSpec, tp: number, kvHeadsPerGpu: number): { attention: number; mlp: number } {
  const h = model.hiddenSize
  const d = model.headDim
  const qWidth = (model.numAttentionHeads / tp) * d
  const qkvWidth = qWidth + 2 * kvHeadsPerGpu * d
  // Attention block (LlamaAttention / Qwen2Attention): residual + normed input + the qkv
  // output + the attention output buffer + the o_proj output.
  let attention = 3 * h + qkvWidth + qWidth
  if (model.mla) {
    // MLA prefill (vllm/v1/attention/backends/mla/common.py, forward of new tokens): the
    // q_a/kv_a output (q_lora + latent + rope key), the queries (heads·(nope+rope)), kv_b's
    // expansion into keys and values (heads·(nope+v)) and the attention output (heads·v).
    const a = model.mla
    const heads = model.numAttentionHeads / tp
    attention = 3 * h + a.qLoraRank + a.kvLoraRank + a.qkRopeHeadDim + heads * (a.qkNopeHeadDim + a.qkRopeHeadDim) + heads * (a.qkNopeHeadDim + a.vHeadDim) + heads * a.vHeadDim
  }
  if (!model.moe) {
    // MLP block: residual + normed input + gate_up output (2·I) + activation output (I).
    return { attention, mlp: 2 * h + (3 * model.intermediateSize) / tp }
  }
  // fused_moe: cache13 of T·k·max(2·I/TP, h) (gate_up output, reused for down) and cache2
  // of T·k·I/TP (activation); a shared expert adds its own gate_up + act and output.
  const m = model.moe
  const routed = m.numExpertsPerTok * (Math.max((2 * m.moeIntermediateSize) / tp, h) + m.moeIntermediateSize / tp)
  const shared = m.sharedExpertIntermediateSize > 0 ? (3 * m.sharedExpertIntermediateSize) / tp + h : 0
  // DeepSeek-style models also run dense-MLP layers (first_k_dense_replace): the wider one counts.
  const dense = (m.denseLayers ?? []).length > 0 ? 2 * h + (3 * model.intermediateSize) / tp : 0
  return { attention, mlp: Math.max(2 * h + routed + shared, dense) }
}

/**
 * Profile-run peak of one GPU of pipeline stage `stage` (bytes). `activationBytes` is the
 * 16-bit activation size; `kvHeadsPerGpu` the KV heads this GPU holds.
 */
export function profileRunPeak(
  model: ModelSpec,
  engine: EngineConfig,
  stage: number,
  kvHeadsPerGpu: number,
  activationBytes: number,
  moeReserveGiB: number = MOE_PROFILE_RESERVE_GIB,
): ProfilePeak {
  const T = engine.maxNumBatchedTokens
  const h = model.hiddenSize
  const { attention, mlp } = layerWidths(model, engine.tp, kvHeadsPerGpu)
  let forwardBytes = T * Math.max(attention, mlp) * activationBytes
  // Stages after the first keep a persistent buffer for the received hidden state and residual
  // (GPUModelRunner.intermediate_tensors, sized for max_num_batched_tokens).
  if (stage > 0) forwardBytes += T * 2 * h * activationBytes
  let samplerBytes = 0
  if (stage === engine.pp - 1) {
    const rows = Math.min(engine.maxNumSeqs, T)
    // profile_run still holds the forward's hidden states (T·h); the sampler run adds the
    // selected rows and their random stand-in (2·rows·h), then the logits' own peak.
    samplerBytes = (T * h + 2 * rows * h) * activationBytes + rows * model.vocabSize * SAMPLER_PEAK_BYTES_PER_LOGIT
  }
  const moeReserve = model.moe ? moeReserveGiB * 1024 ** 3 : 0
  return { forwardBytes, samplerBytes, peakBytes: Math.max(forwardBytes, samplerBytes) + moeReserve }
}
