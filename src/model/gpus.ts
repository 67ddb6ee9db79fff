/**
 * GPU catalog: dense (no sparsity) datasheet figures, the name `nvidia-smi` prints and the
 * interconnect the GPU usually sits on in an 8-GPU box. Sources: docs/perf-model.md
 * "GPUs" and "Measured interconnect figures"; docs/hardware.md "The catalog" (Blackwell, RTX PRO,
 * A100 40GB, and where each nvidia-smi name and MiB figure was seen); NVIDIA datasheets.
 * `memoryMb` is nvidia-smi's `memory.total` (MiB) as reported on these cards.
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
  tflops: { bf16: number; fp16: number; fp8?: number; fp4?: number; fp32: number }
  /**
   * Other names nvidia-smi prints for the same part (editions with the same memory and peaks,
   * e.g. the RTX PRO 6000's Server and Workstation editions). Matched like `name`.
   */
  aliases?: readonly string[]
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
    2: { latencyUs: 8, busBandwidthGBps: 520 },
    4: { latencyUs: 12, busBandwidthGBps: 570 },
    8: { latencyUs: 16, busBandwidthGBps: 620 },
  },
  source:
    'Estimated (docs/hardware.md): the NVLink 4 figures × 1.73, the ratio of large-message all_reduce_perf busbw on 8x B200 ("830+" GB/s, NVIDIA/nccl issue #1807) to 8x H200 (475 GB/s, NVIDIA/nccl-tests issue #272); one-way P2P 700 GB/s, below the ~770 GB/s nvbandwidth measured on GB200 (Azure/AI-benchmarking-guide issue #7); latencies kept from NVLink 4.',
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

/** PCIe 5.0 without P2P (GeForce Blackwell drivers): the data-center figures, P2P off. */
const PCIE5_NO_P2P: InterconnectSpec = {
  ...PCIE5_DATACENTER,
  description: 'PCIe 5.0 x16, no NVLink, P2P off',
  p2p: false,
  source: `Estimated: ${PCIE5_DATACENTER.source} P2P off: no custom all-reduce; NCCL goes through host memory.`,
}

/** The catalog's link presets, by family and P2P, for hardware files that name only the link. */
export const INTERCONNECT_PRESETS: Readonly<Record<string, InterconnectSpec>> = {
  'pcie4:p2p': PCIE4_DATACENTER,
  'pcie4:no-p2p': PCIE4_CONSUMER,
  'pcie5:p2p': PCIE5_DATACENTER,
  'pcie5:no-p2p': PCIE5_NO_P2P,
  'nvlink3:p2p': NVLINK3_A100,
  'nvlink4:p2p': NVLINK4_H100,
  'nvlink5:p2p': NVLINK5_B200,
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
    id: 'a100-40gb',
    name: 'NVIDIA A100-SXM4-40GB',
    memoryGiB: 40,
    // nvidia-smi prints 40960 MiB on most hosts (40536 on some drivers): docs/hardware.md.
    memoryMb: 40960,
    memoryBandwidthGBps: 1555,
    tflops: { bf16: 312, fp16: 312, fp32: 19.5 },
    interconnect: NVLINK3_A100,
    source: 'NVIDIA A100 datasheet (SXM4 40GB: 1,555 GB/s, BF16 312 TFLOPS dense).',
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
    tflops: { bf16: 2250, fp16: 2250, fp8: 4500, fp4: 9000, fp32: 75 },
    interconnect: NVLINK5_B200,
    source:
      'docs/perf-model.md "GPUs"; NVIDIA Blackwell architecture technical brief (dense: BF16 2.25, FP8 4.5, FP4 9 PFLOPS per GPU = half the sparse HGX B200 figures / 8); memory.total 183359 MiB as nvidia-smi prints it (docs/hardware.md).',
  },
  {
    id: 'b300',
    name: 'NVIDIA B300 SXM6 AC',
    memoryGiB: 288,
    memoryMb: 275040,
    memoryBandwidthGBps: 8000,
    // HGX B300 datasheet: FP4 144 PFLOPS sparse | 108 dense per 8 GPUs; FP8 72 and BF16 36 PFLOPS sparse per 8 GPUs.
    tflops: { bf16: 2250, fp16: 2250, fp8: 4500, fp4: 13500, fp32: 75 },
    interconnect: NVLINK5_B200,
    source:
      'NVIDIA HGX B300 datasheet (288 GB HBM3e and 8 TB/s per GPU; per-GPU dense peaks = the 8-GPU figures / 8, sparse halved); nvidia-smi name and memory.total 275040 MiB as hosts report them (docs/hardware.md).',
  },
  {
    id: 'rtx-pro-6000',
    name: 'NVIDIA RTX PRO 6000 Blackwell Server Edition',
    aliases: ['NVIDIA RTX PRO 6000 Blackwell Workstation Edition', 'NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition'],
    memoryGiB: 96,
    memoryMb: 97887,
    memoryBandwidthGBps: 1792,
    // Professional Blackwell: FP32 accumulate at the full tensor rate (unlike GeForce), so the
    // 16-bit peak is a quarter of the 4000 AI TOPS (FP4 sparse) of the datasheet.
    tflops: { bf16: 504, fp16: 504, fp8: 1008, fp4: 2015, fp32: 126 },
    interconnect: PCIE5_DATACENTER,
    source:
      'NVIDIA RTX PRO 6000 Blackwell datasheet (96 GB GDDR7, 1792 GB/s, 4000 AI TOPS FP4 sparse, 125 TFLOPS FP32); dense tensor peaks derived (halved sparse, FP8 = FP4 / 2, BF16 = FP8 / 2). Max-Q (300 W) runs lower clocks. memory.total 97887 MiB as nvidia-smi prints it (docs/hardware.md).',
  },
]

/** Every GPU in the catalog. */
export function listGpuSpecs(): GpuSpec[] {
  return [...GPUS]
}

/** The GPU with this catalog id, or undefined. */
export function findGpuSpec(id: string): GpuSpec | undefined {
  const wanted = GPU_ID_ALIASES[id] ?? id
  return GPUS.find((g) => g.id === wanted)
}

/** Short ids hosts use for the usual part ("8xh100" is an HGX H100 box). */
const GPU_ID_ALIASES: Readonly<Record<string, string>> = { h100: 'h100-sxm', a100: 'a100-80gb' }

/** The catalog GPU nvidia-smi names so (case and surrounding spaces ignored), or undefined. */
export function findGpuByName(name: string): GpuSpec | undefined {
  const wanted = name.trim().toLowerCase()
  return GPUS.find((g) => [g.name, ...(g.aliases ?? [])].some((n) => n.toLowerCase() === wanted))
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
