/**
 * GPU catalog: dense (no sparsity) datasheet figures, the name `nvidia-smi` prints and the
 * interconnect the GPU usually sits on in an 8-GPU box. Sources: docs/perf-model.md
 * "GPUs" and "Measured interconnect figures"; NVIDIA datasheets; `memoryMb` is nvidia-smi's
 * `memory.total` (MiB) as reported on these cards.
 */

/** Figures of one all-reduce group size for the ring model t = alpha + 2(n-1)/n · bytes / busbw. */
export interface AllReduceFigures {
  /** Small-message latency alpha(n), microseconds. */
  latencyUs: number
  /** Bus bandwidth as nccl-tests reports it (busbw), GB/s. */
  busBandwidthGBps: number
}

/** How the GPUs of one box talk to each other. */
export interface InterconnectSpec {
  /** Link family. */
  link: 'pcie4' | 'pcie5' | 'nvlink3' | 'nvlink4' | 'nvlink5'
  /** Human description, e.g. "PCIe 4.0 x16, no NVLink". */
  description: string
  /** Peer-to-peer DMA between GPUs (GeForce drivers disable it over PCIe). */
  p2p: boolean
  /** One-way GPU→GPU copy bandwidth for pipeline-stage sends, GB/s. */
  p2pBandwidthGBps: number
  /** One-way small-message send latency, microseconds. */
  p2pLatencyUs: number
  /** All-reduce figures per group size (2, 4, 8); other sizes use the next larger size. */
  allReduce: Readonly<Record<number, AllReduceFigures>>
  /** Where the figures come from (measured / interpolated / estimated). */
  source: string
}

/** One GPU model. */
export interface GpuSpec {
  /** Catalog key, e.g. "rtx-4070-ti-super". */
  id: string
  /** Name as `nvidia-smi --query-gpu=name` prints it. */
  name: string
  /** Marketing memory size, GiB-ish (16 for a 16 GB card). */
  memoryGiB: number
  /** nvidia-smi `memory.total` in MiB: the figure vLLM's gpu_memory_utilization multiplies. */
  memoryMb: number
  /** Peak memory bandwidth, GB/s (1e9 bytes/s). */
  memoryBandwidthGBps: number
  /**
   * Dense tensor TFLOPS per compute dtype. GeForce cards: the FP32-accumulate column, since
   * vLLM's FP16/BF16/FP8 GEMMs accumulate in FP32 (half rate on GeForce).
   * `fp8` is absent on GPUs without FP8 tensor cores (Ampere): vLLM then runs FP8 checkpoints
   * weight-only (Marlin W8A16) at the 16-bit rate.
   */
  tflops: { bf16: number; fp16: number; fp8?: number; fp32: number }
  /**
   * Share of the datasheet tensor peak that vLLM's kernels sustain on this GPU, relative to the
   * Ampere/Ada cards the MFU constants describe (docs/perf-model.md §4 "Hopper compute"). Hopper
   * peaks need wgmma/TMA kernels and boost clocks; in vLLM an H100 SXM serves about 2x an A100
   * SXM (Lambda's vLLM benchmark), not the 3.2x of the datasheets: 2 / 3.17 = 0.63.
   * @default 1
   */
  computeEfficiency?: number
  /** The interconnect of the usual multi-GPU box for this card. */
  interconnect: InterconnectSpec
  /** Datasheet / measurement source. */
  source: string
}

/**
 * Hopper's sustained share of its datasheet tensor peak in vLLM, relative to Ampere: H100 SXM
 * serves ~2x an A100 SXM in vLLM (LambdaLabsML/vllm-benchmark, "H100 v.s. A100": 2.06x on
 * Mistral-7B, "around 2x" overall) while the dense BF16 datasheets differ 989 / 312 = 3.17x.
 */
const HOPPER_COMPUTE_EFFICIENCY = 2 / (989 / 312)

/** Consumer PCIe 4.0 boxes, GeForce driver: P2P off, NCCL goes through host memory. */
const PCIE4_CONSUMER: InterconnectSpec = {
  link: 'pcie4',
  description: 'PCIe 4.0 x16, no NVLink, P2P off',
  p2p: false,
  p2pBandwidthGBps: 21,
  p2pLatencyUs: 15,
  allReduce: {
    2: { latencyUs: 9, busBandwidthGBps: 20 },
    4: { latencyUs: 20, busBandwidthGBps: 17 },
    8: { latencyUs: 40, busBandwidthGBps: 13 },
  },
  source:
    'docs/perf-model.md "Measured interconnect figures": 2x4090 P2P off 8-9 us, 8x4090 ~40 us; one-way copies 20-22 GB/s; busbw 12-16 GB/s at 8 GPUs. 4-GPU figures interpolated (26 GB/s is the P2P-patched figure, P2P off is lower).',
}

/** Data-center PCIe 4.0 boxes (L4, L40, L40S): P2P on, no NVLink. */
const PCIE4_DATACENTER: InterconnectSpec = {
  link: 'pcie4',
  description: 'PCIe 4.0 x16, no NVLink, P2P on',
  p2p: true,
  p2pBandwidthGBps: 24,
  p2pLatencyUs: 10,
  allReduce: {
    2: { latencyUs: 8, busBandwidthGBps: 22 },
    4: { latencyUs: 15, busBandwidthGBps: 20 },
    8: { latencyUs: 28, busBandwidthGBps: 17 },
  },
  source:
    'Estimated: PCIe 4.0 x16 one-way ~24 GB/s achievable with P2P; 8-GPU ring crosses the CPU root complexes, so busbw falls to the 8x5090-like range scaled to PCIe 4.0 (docs/perf-model.md "Measured interconnect figures").',
}

const NVLINK3_A100: InterconnectSpec = {
  link: 'nvlink3',
  description: 'NVLink 3 (600 GB/s bidirectional) via NVSwitch',
  p2p: true,
  p2pBandwidthGBps: 240,
  p2pLatencyUs: 6,
  allReduce: {
    2: { latencyUs: 8, busBandwidthGBps: 200 },
    4: { latencyUs: 12, busBandwidthGBps: 220 },
    8: { latencyUs: 18, busBandwidthGBps: 230 },
  },
  source: 'nccl-tests on DGX A100 (~230 GB/s busbw at 8 GPUs, large messages); latency scaled from the H100 figure.',
}

const NVLINK4_H100: InterconnectSpec = {
  link: 'nvlink4',
  description: 'NVLink 4 (900 GB/s bidirectional) via NVSwitch',
  p2p: true,
  p2pBandwidthGBps: 350,
  p2pLatencyUs: 5,
  allReduce: {
    2: { latencyUs: 8, busBandwidthGBps: 300 },
    4: { latencyUs: 12, busBandwidthGBps: 330 },
    8: { latencyUs: 16, busBandwidthGBps: 360 },
  },
  source:
    'docs/perf-model.md "Measured interconnect figures": H100 DGX TP8 10 KB all-reduce ~23 us with NCCL; vLLM custom all-reduce is faster for small messages, so 16 us; busbw hundreds of GB/s (nccl-tests ~480 at GB-size messages, 360 for the MB-size messages of decode).',
}

const NVLINK5_B200: InterconnectSpec = {
  ...NVLINK4_H100,
  link: 'nvlink5',
  description: 'NVLink 5 (1800 GB/s bidirectional) via NVSwitch',
  p2pBandwidthGBps: 700,
  allReduce: {
    2: { latencyUs: 8, busBandwidthGBps: 600 },
    4: { latencyUs: 12, busBandwidthGBps: 660 },
    8: { latencyUs: 16, busBandwidthGBps: 720 },
  },
  source: 'Scaled 2x from the NVLink 4 figures (link bandwidth doubled).',
}

const PCIE5_DATACENTER: InterconnectSpec = {
  link: 'pcie5',
  description: 'PCIe 5.0 x16, no NVLink, P2P on',
  p2p: true,
  p2pBandwidthGBps: 45,
  p2pLatencyUs: 10,
  allReduce: {
    2: { latencyUs: 8, busBandwidthGBps: 40 },
    4: { latencyUs: 15, busBandwidthGBps: 35 },
    8: { latencyUs: 28, busBandwidthGBps: 28 },
  },
  source: 'docs/perf-model.md "Measured interconnect figures": 8x5090 (PCIe 5.0) busbw 28 GB/s at 8 GPUs, 35 at 4.',
}

const GPUS: readonly GpuSpec[] = [
  {
    id: 'rtx-4070-ti-super',
    name: 'NVIDIA GeForce RTX 4070 Ti SUPER',
    memoryGiB: 16,
    memoryMb: 16376,
    memoryBandwidthGBps: 672,
    tflops: { bf16: 88, fp16: 88, fp8: 176, fp32: 44 },
    interconnect: PCIE4_CONSUMER,
    source: 'docs/perf-model.md "GPUs" (FP32-accumulate column); Ada whitepaper.',
  },
  {
    id: 'rtx-4090',
    name: 'NVIDIA GeForce RTX 4090',
    memoryGiB: 24,
    memoryMb: 24564,
    memoryBandwidthGBps: 1008,
    tflops: { bf16: 165, fp16: 165, fp8: 330, fp32: 82.6 },
    interconnect: PCIE4_CONSUMER,
    source: 'docs/perf-model.md "GPUs" (FP32-accumulate column); Ada whitepaper.',
  },
  {
    id: 'rtx-3090',
    name: 'NVIDIA GeForce RTX 3090',
    memoryGiB: 24,
    memoryMb: 24576,
    memoryBandwidthGBps: 936,
    tflops: { bf16: 71, fp16: 71, fp32: 35.6 },
    interconnect: PCIE4_CONSUMER,
    source: 'docs/perf-model.md "GPUs" (FP32-accumulate column); Ampere GA102 whitepaper. 2-way NVLink bridges are not modelled.',
  },
  {
    id: 'l4',
    name: 'NVIDIA L4',
    memoryGiB: 24,
    memoryMb: 23034,
    memoryBandwidthGBps: 300,
    tflops: { bf16: 121, fp16: 121, fp8: 242, fp32: 30.3 },
    interconnect: PCIE4_DATACENTER,
    source: 'docs/perf-model.md "GPUs"; NVIDIA L4 datasheet (dense).',
  },
  {
    id: 'l40',
    name: 'NVIDIA L40',
    memoryGiB: 48,
    memoryMb: 46068,
    memoryBandwidthGBps: 864,
    tflops: { bf16: 181, fp16: 181, fp8: 362, fp32: 90.5 },
    interconnect: PCIE4_DATACENTER,
    source: 'NVIDIA L40 datasheet (dense = half the sparsity figures).',
  },
  {
    id: 'l40s',
    name: 'NVIDIA L40S',
    memoryGiB: 48,
    memoryMb: 46068,
    memoryBandwidthGBps: 864,
    tflops: { bf16: 362, fp16: 362, fp8: 733, fp32: 91.6 },
    interconnect: PCIE4_DATACENTER,
    source: 'docs/perf-model.md "GPUs"; NVIDIA L40S datasheet.',
  },
  {
    id: 'a100-80gb',
    name: 'NVIDIA A100-SXM4-80GB',
    memoryGiB: 80,
    memoryMb: 81920,
    memoryBandwidthGBps: 2039,
    tflops: { bf16: 312, fp16: 312, fp32: 19.5 },
    interconnect: NVLINK3_A100,
    source: 'docs/perf-model.md "GPUs"; NVIDIA A100 datasheet.',
  },
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 80GB HBM3',
    memoryGiB: 80,
    memoryMb: 81559,
    memoryBandwidthGBps: 3350,
    tflops: { bf16: 989, fp16: 989, fp8: 1979, fp32: 67 },
    computeEfficiency: HOPPER_COMPUTE_EFFICIENCY,
    interconnect: NVLINK4_H100,
    source: 'docs/perf-model.md "GPUs"; NVIDIA H100 datasheet (SXM, dense).',
  },
  {
    id: 'h100-pcie',
    name: 'NVIDIA H100 PCIe',
    memoryGiB: 80,
    memoryMb: 81559,
    memoryBandwidthGBps: 2000,
    tflops: { bf16: 756, fp16: 756, fp8: 1513, fp32: 51 },
    // Assumed as for the SXM part (same Hopper die and kernels; no PCIe comparison published).
    computeEfficiency: HOPPER_COMPUTE_EFFICIENCY,
    interconnect: PCIE5_DATACENTER,
    source: 'docs/perf-model.md "GPUs"; NVIDIA H100 datasheet (PCIe, dense).',
  },
  {
    id: 'h200',
    name: 'NVIDIA H200',
    memoryGiB: 141,
    memoryMb: 143771,
    memoryBandwidthGBps: 4800,
    tflops: { bf16: 989, fp16: 989, fp8: 1979, fp32: 67 },
    // The H100 SXM's compute die and clocks.
    computeEfficiency: HOPPER_COMPUTE_EFFICIENCY,
    interconnect: NVLINK4_H100,
    source: 'docs/perf-model.md "GPUs"; NVIDIA H200 datasheet.',
  },
  {
    id: 'b200',
    name: 'NVIDIA B200',
    memoryGiB: 180,
    memoryMb: 183359,
    memoryBandwidthGBps: 7700,
    tflops: { bf16: 2250, fp16: 2250, fp8: 4500, fp32: 75 },
    interconnect: NVLINK5_B200,
    source: 'docs/perf-model.md "GPUs".',
  },
]

/** Every GPU in the catalog. */
export function listGpuSpecs(): GpuSpec[] {
  return [...GPUS]
}

/** The GPU with this catalog id, or undefined. */
export function findGpuSpec(id: string): GpuSpec | undefined {
  return GPUS.find((g) => g.id === id)
}

/**
 * All-reduce figures for a group of `groupSize` GPUs: the listed size, else the next larger one
 * (a conservative choice), else the largest listed.
 */
export function allReduceFigures(interconnect: InterconnectSpec, groupSize: number): AllReduceFigures {
  const sizes = Object.keys(interconnect.allReduce)
    .map(Number)
    .sort((a, b) => a - b)
  const size = sizes.find((s) => s >= groupSize) ?? sizes[sizes.length - 1]!
  return interconnect.allReduce[size]!
}
