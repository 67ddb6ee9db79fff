import { describe, expect, it } from 'vitest'
import {
  allReduceSeconds,
  createStepCostModel,
  getHardwareProfile,
  getModelSpec,
  modelInstance,
  resolveEngineConfig,
  type HardwareProfile,
  type StepBatch,
  usesCustomAllReduce,
} from '../../src/model/index.js'

const QWQ_FP8 = new Map<string, string | boolean>([['quantization', 'fp8'], ['kv-cache-dtype', 'fp8']])

function planFor(hardwareId: string, modelId: string, tp: number, pp: number, extra: Map<string, string | boolean> = new Map()) {
  const hw = getHardwareProfile(hardwareId)
  const model = getModelSpec(modelId)
  const args = new Map([...extra, ['tensor-parallel-size', String(tp)], ['pipeline-parallel-size', String(pp)]])
  return modelInstance(hw, model, resolveEngineConfig(args, model, hw, 'float16'))
}

const decodeBatch = (batch: number, contextLen: number): StepBatch => ({
  prefill: [],
  decode: Array.from({ length: batch }, () => ({ contextLen })),
})
const prefillBatch = (tokens: number, contextBefore = 0): StepBatch => ({ prefill: [{ tokens, contextBefore }], decode: [] })

describe('step cost physics', () => {
  const plan = planFor('8xrtx-4070-ti-super', 'Qwen/QwQ-32B', 8, 1, QWQ_FP8)

  it('decode step time grows with context length', () => {
    const times = [1000, 4000, 16000, 32000].map((ctx) => plan.stepCost(decodeBatch(32, ctx)))
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!)
  })

  it('decode step time grows sub-linearly with batch size (weights are read once per step)', () => {
    const t1 = plan.stepCost(decodeBatch(1, 2000))
    const t8 = plan.stepCost(decodeBatch(8, 2000))
    const t64 = plan.stepCost(decodeBatch(64, 2000))
    expect(t8).toBeGreaterThan(t1)
    expect(t64).toBeGreaterThan(t8)
    expect(t8).toBeLessThan(8 * t1)
    expect(t64).toBeLessThan(8 * t8)
    // Per-token cost falls with batch: the point of continuous batching.
    expect(t64 / 64).toBeLessThan(t1 / 4)
  })

  it('prefill time grows super-linearly with prompt length (quadratic attention)', () => {
    const m = createStepCostModel(getHardwareProfile('1xh100-sxm'), getModelSpec('meta-llama/Llama-3.1-8B'), resolveEngineConfig(new Map(), getModelSpec('meta-llama/Llama-3.1-8B'), getHardwareProfile('1xh100-sxm')))
    const gpuTime = (n: number) => m.breakdown(prefillBatch(n)).totalS - m.constants.stepOverheadS
    const t4k = gpuTime(4096)
    const t32k = gpuTime(32768)
    expect(t32k).toBeGreaterThan(8 * t4k)
    // And a chunk costs more the more context it attends to.
    expect(m.stepCost(prefillBatch(2048, 30000))).toBeGreaterThan(m.stepCost(prefillBatch(2048, 0)))
  })

  it('more memory bandwidth or FLOPS never makes a step slower', () => {
    const base = getHardwareProfile('8xl40s')
    const faster: HardwareProfile = { ...base, gpu: { ...base.gpu, memoryBandwidthGBps: base.gpu.memoryBandwidthGBps * 2 } }
    const moreFlops: HardwareProfile = { ...base, gpu: { ...base.gpu, tflops: { ...base.gpu.tflops, bf16: base.gpu.tflops.bf16 * 2, fp16: base.gpu.tflops.fp16 * 2 } } }
    const model = getModelSpec('meta-llama/Llama-3.1-70B')
    const engine = resolveEngineConfig(new Map([['tensor-parallel-size', '4']]), model, base)
    const batches = [decodeBatch(1, 100), decodeBatch(128, 4000), prefillBatch(8192), { prefill: [{ tokens: 1024, contextBefore: 5000 }], decode: decodeBatch(64, 3000).decode }]
    for (const b of batches) {
      const t = createStepCostModel(base, model, engine).stepCost(b)
      expect(createStepCostModel(faster, model, engine).stepCost(b)).toBeLessThanOrEqual(t)
      expect(createStepCostModel(moreFlops, model, engine).stepCost(b)).toBeLessThanOrEqual(t)
    }
    // Strictly faster where the resource is the bottleneck.
    expect(createStepCostModel(faster, model, engine).stepCost(decodeBatch(1, 100))).toBeLessThan(createStepCostModel(base, model, engine).stepCost(decodeBatch(1, 100)))
    expect(createStepCostModel(moreFlops, model, engine).stepCost(prefillBatch(8192))).toBeLessThan(createStepCostModel(base, model, engine).stepCost(prefillBatch(8192)))
  })

  it('tensor parallelism over PCIe costs more than over NVLink (same GPU otherwise)', () => {
    const h100 = getHardwareProfile('8xh100-sxm')
    const pcie: HardwareProfile = { ...h100, interconnect: getHardwareProfile('8xl40s').interconnect }
    const model = getModelSpec('meta-llama/Llama-3.1-70B')
    const engine = resolveEngineConfig(new Map([['tensor-parallel-size', '8']]), model, h100)
    for (const b of [decodeBatch(1, 1000), decodeBatch(256, 1000), prefillBatch(8192)]) {
      const nv = createStepCostModel(h100, model, engine).breakdown(b)
      const pc = createStepCostModel(pcie, model, engine).breakdown(b)
      expect(pc.allReduceS).toBeGreaterThan(nv.allReduceS)
      expect(pc.totalS).toBeGreaterThan(nv.totalS)
    }
    // And with a single GPU there is no all-reduce at all.
    const one = createStepCostModel(getHardwareProfile('1xh100-sxm'), getModelSpec('meta-llama/Llama-3.1-8B'), resolveEngineConfig(new Map(), getModelSpec('meta-llama/Llama-3.1-8B'), getHardwareProfile('1xh100-sxm')))
    expect(one.breakdown(decodeBatch(8, 100)).allReduceS).toBe(0)
  })

  it('fp8 weights make memory-bound decode faster than 16-bit weights', () => {
    const hw = getHardwareProfile('1xh100-sxm')
    const model = getModelSpec('meta-llama/Llama-3.1-8B')
    const bf16 = createStepCostModel(hw, model, resolveEngineConfig(new Map(), model, hw))
    const fp8 = createStepCostModel(hw, model, resolveEngineConfig(new Map([['quantization', 'fp8']]), model, hw))
    expect(fp8.stepCost(decodeBatch(1, 500))).toBeLessThan(bf16.stepCost(decodeBatch(1, 500)))
  })

  it('pipeline micro-batches raise decode throughput of a PP variant', () => {
    const hw = getHardwareProfile('8xl4')
    const model = getModelSpec('meta-llama/Llama-3.1-70B')
    const engine = resolveEngineConfig(new Map([['tensor-parallel-size', '2'], ['pipeline-parallel-size', '4'], ['quantization', 'fp8']]), model, hw)
    const one = createStepCostModel(hw, model, engine, { ppMicroBatches: 1 })
    const four = createStepCostModel(hw, model, engine, { ppMicroBatches: 4 })
    const b = decodeBatch(256, 1500)
    expect(four.breakdown(b).microBatches).toBe(4)
    // Four micro-batches re-read the stage weights four times, but the stages work in parallel.
    expect(four.stepCost(b)).toBeLessThan(one.stepCost(b) * 1.5)
    expect(four.breakdown(decodeBatch(2, 100)).microBatches).toBe(2)
  })

  it('is deterministic and pure', () => {
    const b: StepBatch = { prefill: [{ tokens: 700, contextBefore: 1300 }, { tokens: 55, contextBefore: 0 }], decode: decodeBatch(40, 2500).decode }
    const a1 = plan.stepCost(b)
    const again = planFor('8xrtx-4070-ti-super', 'Qwen/QwQ-32B', 8, 1, QWQ_FP8)
    expect(again.stepCost(b)).toBe(a1)
    expect(plan.stepCost(b)).toBe(a1)
    expect(plan.stepCost({ prefill: [], decode: [] })).toBeGreaterThanOrEqual(0)
  })
})

describe('MoE', () => {
  it('computes with active parameters and reads more experts as the batch grows', () => {
    const hw = getHardwareProfile('8xh100-sxm')
    const model = getModelSpec('Qwen/Qwen3-235B-A22B')
    const engine = resolveEngineConfig(new Map([['tensor-parallel-size', '8']]), model, hw)
    const touched = createStepCostModel(hw, model, engine)
    const all = createStepCostModel(hw, model, engine, { moeWeightReads: 'all' })
    // One sequence touches 8 of 128 experts: far cheaper than reading every expert.
    expect(touched.stepCost(decodeBatch(1, 100))).toBeLessThan(0.5 * all.stepCost(decodeBatch(1, 100)))
    // A large batch touches (almost) all experts: the two agree within 1 %.
    const big = decodeBatch(512, 100)
    expect(Math.abs(touched.stepCost(big) - all.stepCost(big)) / all.stepCost(big)).toBeLessThan(0.01)
  })
})

describe("all-reduce: vLLM's custom kernel or NCCL (custom_all_reduce.py)", () => {
  const link = (id: string) => getHardwareProfile(id).interconnect
  const MiB = 1024 * 1024
  it('takes the custom kernel only on 2 P2P GPUs or a full NVLink mesh, up to 8 MiB', () => {
    expect(usesCustomAllReduce(link('8xl40s'), 2, 1 * MiB)).toBe(true)
    expect(usesCustomAllReduce(link('8xl40s'), 4, 1 * MiB)).toBe(false) // more than two PCIe GPUs
    expect(usesCustomAllReduce(link('8xrtx-4090'), 2, 1 * MiB)).toBe(false) // GeForce: no P2P
    expect(usesCustomAllReduce(link('8xh100-sxm'), 8, 8 * MiB)).toBe(true)
    expect(usesCustomAllReduce(link('8xh100-sxm'), 8, 8 * MiB + 16)).toBe(false) // above max_size
    expect(usesCustomAllReduce(link('8xh100-sxm'), 3, 1 * MiB)).toBe(false) // world size 3 unsupported
  })
  it('prices 2 PCIe GPUs as one-shot P2P and larger PCIe groups as the NCCL ring', () => {
    const pcie = link('8xl40s')
    const unit = { latency: 1, bandwidth: 1 }
    const bytes = 1 * MiB
    expect(allReduceSeconds(pcie, 2, bytes, unit)).toBeCloseTo(Math.min(pcie.allReduce[2]!.latencyUs, pcie.p2pLatencyUs) * 1e-6 + bytes / (pcie.p2pBandwidthGBps * 1e9), 12)
    const ring = pcie.allReduce[4]!
    expect(allReduceSeconds(pcie, 4, bytes, unit)).toBeCloseTo(ring.latencyUs * 1e-6 + 1.5 * (bytes / (ring.busBandwidthGBps * 1e9)), 12)
    expect(allReduceSeconds(pcie, 1, bytes, unit)).toBe(0)
  })
})
