import { resolveModelConstants, type ModelConstants, type ResolvedModelConstants } from './constants.js'
import { allReduceSeconds } from './all-reduce.js'
import type { HardwareProfile } from './hardware.js'
import { effectiveWeightFormat, kvHeadsPerGpu } from './memory.js'
import type { ModelSpec } from './models.js'
import { denseLayersPerStage, layersPerStage } from './params.js'
import { groupBits, type ModuleGroup } from './weight-format.js'
import type { EngineConfig, StepBatch, StepCostFn } from './types.js'

/** Where one step's time goes (seconds). Stage times are summed over micro-batches. */
export interface StepCostBreakdown {
  totalS: number
  /** Per stage: GPU time of all micro-batches (linear + attention + all-reduce + overhead). */
  stageS: number[]
  linearS: number
  attentionS: number
  allReduceS: number
  /** Inter-stage sends of all micro-batches. */
  sendS: number
  lmHeadS: number
  /** Fixed per-step CPU time. */
  overheadS: number
  microBatches: number
}

/** The step-cost model of one instance. */
export interface StepCostModel {
  stepCost: StepCostFn
  breakdown(batch: StepBatch): StepCostBreakdown
  constants: ResolvedModelConstants
}

interface Item {
  tokens: number
  /** Tokens already in the KV cache before this step. */
  contextBefore: number
  /** Needs an lm_head row: decode rows, and (approximated: every) prefill chunk. */
  logits: boolean
}

interface Part {
  linearS: number
  /** What a dense-MLP layer (DeepSeek's first_k_dense_replace) costs more than a MoE layer. */
  denseLayerExtraS: number
  attentionS: number
  allReduceS: number
  lmHeadS: number
}

/**
 * Builds the roofline step cost of one instance (docs/perf-model.md "Formulas"):
 * per operator t = max(FLOPs / (peak·MFU), bytes / (BW·MBU)); two ring all-reduces per layer
 * under TP; PP stages in a pipeline with `ppMicroBatches` micro-batches; a fixed CPU cost per
 * step. Pure and deterministic.
 */
export function createStepCostModel(
  hardware: HardwareProfile,
  model: ModelSpec,
  engine: EngineConfig,
  constants: ModelConstants = {},
): StepCostModel {
  const c = resolveModelConstants(constants)
  const { tp, pp } = engine
  const gpu = hardware.gpu
  const bwBps = gpu.memoryBandwidthGBps * 1e9
  // What vLLM's kernels sustain of the datasheet peak on this GPU (Hopper: gpus.ts).
  const sustained = gpu.computeEfficiency ?? 1
  const peak16 = gpu.tflops.bf16 * 1e12 * sustained
  // FP8 weights run W8A8 on FP8 tensor cores where the GPU has them; else W8A16 (Marlin) at the
  // 16-bit rate. 4-bit weights are always W4A16.
  const peakLinear = engine.weightBytes === 1 && gpu.tflops.fp8 !== undefined ? gpu.tflops.fp8 * 1e12 * sustained : peak16
  const h = model.hiddenSize
  const d = model.headDim
  const headsPerGpu = model.numAttentionHeads / tp
  const kvHeads = kvHeadsPerGpu(model, tp)
  const qkvOut = (headsPerGpu + 2 * kvHeads) * d
  const wb = engine.weightBytes
  const act = c.activationBytes
  const stageLayers = layersPerStage(model.numLayers, pp)
  const stageDense = denseLayersPerStage(model, pp)
  // Per module group: the checkpoint may keep some 16-bit (Kimi's INT4 keeps attention, shared
  // experts and the dense MLP in BF16); those run at the 16-bit rate and read 2 bytes per weight.
  const format = effectiveWeightFormat(model, engine)
  // A group of another scheme (multi-group compressed-tensors) reads its own bits; 8-bit groups
  // run at the FP8 rate where the GPU has one.
  const peakFp8 = gpu.tflops.fp8 !== undefined ? gpu.tflops.fp8 * 1e12 * sustained : peak16
  const groupWb = (g: ModuleGroup): number => (format.kept16.has(g) ? 2 : format.perGroup?.[g] ? groupBits(format, g) / 8 : wb)
  const groupPeak = (g: ModuleGroup): number => {
    if (format.kept16.has(g)) return peak16
    const other = format.perGroup?.[g]
    return other === undefined ? peakLinear : other.bits === 8 ? peakFp8 : peak16
  }
  const mla = model.mla

  const gemm = (rows: number, inDim: number, outDim: number, weightBytes: number, peak: number): number => {
    const flops = 2 * rows * inDim * outDim
    const bytes = inDim * outDim * weightBytes + rows * (inDim + outDim) * act
    return Math.max(flops / (peak * c.mfuLinear), bytes / (bwBps * c.mbuWeights))
  }
  const bwScale = c.interconnectBandwidthScale
  const latScale = c.interconnectLatencyScale
  // vLLM's custom kernel or NCCL, by its own rule (all-reduce.ts).
  const allReduce = (bytes: number): number => allReduceSeconds(hardware.interconnect, tp, bytes, { latency: latScale, bandwidth: bwScale })

  const denseMlpTime = (rows: number): number => {
    const iPerGpu = model.intermediateSize / tp
    const g: ModuleGroup = model.moe ? 'denseMlp' : 'routedExperts'
    return gemm(rows, h, 2 * iPerGpu, groupWb(g), groupPeak(g)) + gemm(rows, iPerGpu, h, groupWb(g), groupPeak(g))
  }

  const mlpTime = (rows: number): number => {
    if (!model.moe) {
      const iPerGpu = model.intermediateSize / tp
      return gemm(rows, h, 2 * iPerGpu, wb, peakLinear) + gemm(rows, iPerGpu, h, wb, peakLinear)
    }
    const m = model.moe
    const E = m.numExperts
    const k = m.numExpertsPerTok
    // Router: replicated 16-bit h×E GEMM.
    let t = gemm(rows, h, E, 2, peak16)
    // Experts: FLOPs of k experts per token; bytes of the experts some token touches.
    const touched = c.moeWeightReads === 'all' ? E : E * (1 - Math.pow(1 - k / E, rows))
    const expertParams = 3 * h * m.moeIntermediateSize
    const flops = (2 * rows * k * expertParams) / tp
    const bytes = (touched * expertParams * groupWb('routedExperts')) / tp + (rows * k * (2 * h + 3 * m.moeIntermediateSize / tp) * act)
    t += Math.max(flops / (groupPeak('routedExperts') * c.mfuLinear), bytes / (bwBps * c.mbuWeights))
    if (m.sharedExpertIntermediateSize > 0) {
      const s = m.sharedExpertIntermediateSize / tp
      t += gemm(rows, h, 2 * s, groupWb('sharedExperts'), groupPeak('sharedExperts')) + gemm(rows, s, h, groupWb('sharedExperts'), groupPeak('sharedExperts'))
    }
    return t
  }

  /** Attention projections of one layer on one GPU (GQA: qkv + o; MLA: its five projections). */
  const attentionLinearTime = (rows: number): number => {
    if (!mla) return gemm(rows, h, qkvOut, wb, peakLinear) + gemm(rows, headsPerGpu * d, h, wb, peakLinear)
    const aw = groupWb('attention')
    const ap = groupPeak('attention')
    const qkHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim
    // q_a + kv_a are replicated on every rank; q_b, kv_b (or its absorbed halves) and o are sharded.
    const down = gemm(rows, h, mla.qLoraRank + mla.kvLoraRank + mla.qkRopeHeadDim, aw, ap)
    const qUp = gemm(rows, mla.qLoraRank > 0 ? mla.qLoraRank : h, headsPerGpu * qkHead, aw, ap)
    const kvUp = gemm(rows, mla.kvLoraRank, headsPerGpu * (mla.qkNopeHeadDim + mla.vHeadDim), 2, peak16)
    const out = gemm(rows, headsPerGpu * mla.vHeadDim, h, aw, ap)
    return down + qUp + kvUp + out
  }

  /** One layer on one GPU for a micro-batch, and the lm_head when `last`. */
  const microBatchOnStage = (items: readonly Item[], last: boolean): Part => {
    let rows = 0
    let lmRows = 0
    let attnFlops = 0
    let attnBytes = 0
    for (const it of items) {
      rows += it.tokens
      if (it.logits) lmRows += 1
      // Causal attention of `tokens` new queries over contextBefore + their own prefix:
      // QK^T and PV, 2 FLOPs per MAC each → 4·t·(c + t/2)·heads·d (decode: t = 1).
      const kvLen = it.contextBefore + it.tokens
      if (mla) {
        // MLA (vllm/v1/attention/backends/mla/common.py): decode runs on the latent with the
        // absorbed weights, QK over kv_lora+rope and PV over kv_lora per head, reading one latent
        // of (kv_lora+rope) per cached token, not per head; prefill expands keys and values
        // (nope+rope and v per head) from the latent.
        const latent = mla.kvLoraRank + mla.qkRopeHeadDim
        const perPairPerHead = it.tokens === 1 ? 2 * (latent + mla.kvLoraRank) : 2 * (mla.qkNopeHeadDim + mla.qkRopeHeadDim + mla.vHeadDim)
        attnFlops += it.tokens * (it.contextBefore + it.tokens / 2) * headsPerGpu * perPairPerHead
        attnBytes += kvLen * latent * engine.kvBytes + it.tokens * headsPerGpu * (latent + mla.vHeadDim) * act
      } else {
        attnFlops += 4 * it.tokens * (it.contextBefore + it.tokens / 2) * headsPerGpu * d
        attnBytes += kvLen * 2 * kvHeads * d * engine.kvBytes + it.tokens * (headsPerGpu + 2 * kvHeads) * d * act
      }
    }
    if (rows === 0) return { linearS: 0, denseLayerExtraS: 0, attentionS: 0, allReduceS: 0, lmHeadS: 0 }
    const mlpS = mlpTime(rows)
    const denseLayerExtraS = model.moe && stageDense.some((n) => n > 0) ? denseMlpTime(rows) - mlpS : 0
    const linear = attentionLinearTime(rows) + mlpS
    // Attention math runs in 16 bits even with an FP8 KV cache (dequantised in the kernel).
    const attention = Math.max(attnFlops / (peak16 * c.mfuAttention), attnBytes / (bwBps * c.mbuKv))
    const allReduceS = 2 * allReduce(rows * h * act)
    // lm_head is not quantised (16-bit), vocab-parallel over TP.
    const lmHeadS = last && lmRows > 0 ? gemm(lmRows, h, model.vocabSize / tp, 2, peak16) : 0
    return { linearS: linear, denseLayerExtraS, attentionS: attention, allReduceS, lmHeadS }
  }

  const toItems = (batch: StepBatch): Item[] => {
    const items: Item[] = []
    const piece = engine.maxNumBatchedTokens
    for (const p of batch.prefill) {
      if (p.tokens <= 0) continue
      // A chunk larger than one micro-batch's budget only arrives when the caller fills a whole
      // pipeline round (InstanceModel.roundTokenBudget). vLLM would give each micro-batch its own
      // request's chunk; pricing the pieces as separate micro-batches matches that under load.
      if (pp > 1 && c.ppSplitLongChunks && p.tokens > piece) {
        for (let done = 0; done < p.tokens; done += piece) {
          const tokens = Math.min(piece, p.tokens - done)
          items.push({ tokens, contextBefore: p.contextBefore + done, logits: done + tokens === p.tokens })
        }
      } else items.push({ tokens: p.tokens, contextBefore: p.contextBefore, logits: true })
    }
    for (const q of batch.decode) items.push({ tokens: 1, contextBefore: Math.max(0, q.contextLen - 1), logits: true })
    return items
  }

  /** Greedy token-balanced split into m micro-batches (largest first; deterministic). */
  const split = (items: Item[], m: number): Item[][] => {
    if (m <= 1) return [items]
    const groups: Item[][] = Array.from({ length: m }, () => [])
    const load = new Array<number>(m).fill(0)
    const order = items.map((it, i) => [it, i] as const).sort((a, b) => b[0].tokens - a[0].tokens || a[1] - b[1])
    for (const [it] of order) {
      let best = 0
      for (let g = 1; g < m; g++) if (load[g]! < load[best]!) best = g
      groups[best]!.push(it)
      load[best]! += it.tokens
    }
    return groups.filter((g) => g.length > 0)
  }

  const link = hardware.interconnect
  const sendTime = (rows: number): number =>
    // vLLM sends hidden states and the residual between stages.
    link.p2pLatencyUs * 1e-6 * latScale + (rows * h * act * 2) / (link.p2pBandwidthGBps * 1e9 * bwScale)

  const breakdown = (batch: StepBatch): StepCostBreakdown => {
    const items = toItems(batch)
    const out: StepCostBreakdown = {
      totalS: 0,
      stageS: new Array<number>(pp).fill(0),
      linearS: 0,
      attentionS: 0,
      allReduceS: 0,
      sendS: 0,
      lmHeadS: 0,
      overheadS: c.stepOverheadS,
      microBatches: 0,
    }
    if (items.length === 0) return out
    const m = pp > 1 ? Math.max(1, Math.min(c.ppMicroBatches ?? pp, items.length)) : 1
    const groups = split(items, m)
    out.microBatches = groups.length
    // A micro-batch's trip through all stages, and each stage's busy time over all micro-batches;
    // a round (every sequence advances once) takes the larger of the longest trip and the
    // busiest stage: docs/perf-model.md "max(sum of stages, m × slowest stage)" for unequal parts.
    let longestTripS = 0
    for (const group of groups) {
      let tripS = 0
      const rows = group.reduce((s, it) => s + it.tokens, 0)
      // Every stage runs the same per-layer work; only the last adds the lm_head.
      const middle = pp > 1 ? microBatchOnStage(group, false) : undefined
      const final = microBatchOnStage(group, true)
      for (let s = 0; s < pp; s++) {
        const last = s === pp - 1
        const part = last ? final : middle!
        const layers = stageLayers[s]!
        const denseExtra = model.moe ? stageDense[s]! * part.denseLayerExtraS : 0
        const stageTime = layers * (part.linearS + part.attentionS + part.allReduceS + c.layerOverheadS) + denseExtra + part.lmHeadS
        out.stageS[s]! += stageTime
        out.linearS += layers * part.linearS + denseExtra
        out.attentionS += layers * part.attentionS
        out.allReduceS += layers * part.allReduceS
        out.lmHeadS += part.lmHeadS
        tripS += stageTime
        if (!last) {
          const send = sendTime(rows)
          tripS += send
          out.sendS += send
        }
      }
      longestTripS = Math.max(longestTripS, tripS)
    }
    const busiestStageS = Math.max(...out.stageS)
    out.totalS = Math.max(longestTripS, busiestStageS) + c.stepOverheadS
    return out
  }

  return { stepCost: (batch) => breakdown(batch).totalS, breakdown, constants: c }
}
