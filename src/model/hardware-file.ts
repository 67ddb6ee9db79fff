/**
 * A hardware file: a box the catalog does not know (a GPU not in src/model/gpus.ts, or known GPUs
 * on other links), described by its owner. YAML (JSON is YAML too), checked with zod; errors name
 * the file, the field and the value. Format and example: docs/hardware.md.
 */
import { readTextFileSync } from '../text/read-text-file.js'
import { resolve } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'
import { MlnodeBenchError } from '../errors.js'
import { INTERCONNECT_PRESETS, type GpuSpec, type InterconnectSpec } from './gpus.js'
import type { HardwareProfile } from './hardware-profile.js'

const positive = z.number().positive()
const allReduceSchema = z.object({ latencyUs: positive, busBandwidthGBps: positive }).strict()

export const hardwareFileSchema = z
  .object({
    /** Format version. */
    hardware: z.literal(1),
    /** Profile id shown in results. @default `<gpuCount>x<gpu.id>` */
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-"').optional(),
    description: z.string().min(1).optional(),
    gpuCount: z.number().int().min(1).max(1024),
    gpu: z
      .object({
        /** As `nvidia-smi --query-gpu=name --format=csv,noheader` prints it. */
        name: z.string().min(1),
        /** Other names of the same part (editions). */
        aliases: z.array(z.string().min(1)).optional(),
        /** Short id. @default the name, lower-cased, non-alphanumerics as "-" */
        id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-"').optional(),
        /** `nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits` (MiB). */
        memoryMiB: z.number().int().positive(),
        /** Peak memory bandwidth, GB/s. */
        memoryBandwidthGBps: positive,
        /** Dense (no sparsity) tensor peaks, TFLOPS; fp16 defaults to bf16. */
        tflops: z.object({ bf16: positive, fp16: positive.optional(), fp8: positive.optional(), fp4: positive.optional(), fp32: positive.optional() }).strict(),
        /** Share of the tensor peak vLLM sustains relative to Ampere/Ada (Hopper 0.63). @default 1 */
        computeEfficiency: z.number().positive().max(1).optional(),
      })
      .strict(),
    interconnect: z
      .object({
        link: z.enum(['pcie4', 'pcie5', 'nvlink3', 'nvlink4', 'nvlink5']),
        /** GPU peer-to-peer DMA (off on GeForce drivers). NVLink implies it. */
        p2p: z.boolean(),
        /** Overrides of the link preset's figures (e.g. from your own nccl-tests run). */
        p2pBandwidthGBps: positive.optional(),
        p2pLatencyUs: positive.optional(),
        allReduce: z.partialRecord(z.enum(['2', '4', '8', '16']), allReduceSchema).optional(),
      })
      .strict()
      .refine((i) => i.p2p || !i.link.startsWith('nvlink'), { message: 'NVLink GPUs do peer-to-peer: set p2p: true', path: ['p2p'] }),
    /** Where the figures come from. */
    source: z.string().min(1).optional(),
  })
  .strict()

export type HardwareFile = z.infer<typeof hardwareFileSchema>

/** A template to copy, printed when a GPU is unknown (docs/hardware.md explains each field). */
export const HARDWARE_FILE_TEMPLATE = `hardware: 1
gpuCount: 8                       # GPUs in the box
gpu:
  name: "<as nvidia-smi --query-gpu=name --format=csv,noheader prints it>"
  memoryMiB: 97887                # nvidia-smi --query-gpu=memory.total --format=csv,noheader,nounits
  memoryBandwidthGBps: 1792       # datasheet peak
  tflops: { bf16: 504, fp8: 1008, fp4: 2015 }   # dense (no sparsity) datasheet peaks
interconnect:
  link: pcie5                     # pcie4 | pcie5 | nvlink3 | nvlink4 | nvlink5
  p2p: true                       # GPU peer-to-peer (nvidia-smi topo -p2p r)
source: "<datasheet URL>"`

/** True when a `hardware` value names a file rather than a catalog profile. */
export function isHardwareFilePath(value: string): boolean {
  return /\.(ya?ml|json)$/i.test(value.trim())
}

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/^nvidia\s+/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

function invalid(file: string, error: z.ZodError, raw: unknown): MlnodeBenchError {
  const issue = error.issues[0]!
  const field = issue.path.join('.') || '(root)'
  let value: unknown = raw
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey]
  return new MlnodeBenchError('MLNB_CONFIG', `hardware file ${file}: field "${field}" = ${JSON.stringify(value) ?? 'absent'}: ${issue.message}`, { details: { file, field, value } })
}

/** The profile a checked hardware file describes. */
export function profileFromHardwareFile(data: HardwareFile, file: string): HardwareProfile {
  const preset = INTERCONNECT_PRESETS[`${data.interconnect.link}:${data.interconnect.p2p ? 'p2p' : 'no-p2p'}`]!
  const overrides = data.interconnect.allReduce
  const interconnect: InterconnectSpec = {
    ...preset,
    p2p: data.interconnect.p2p,
    ...(data.interconnect.p2pBandwidthGBps === undefined ? {} : { p2pBandwidthGBps: data.interconnect.p2pBandwidthGBps }),
    ...(data.interconnect.p2pLatencyUs === undefined ? {} : { p2pLatencyUs: data.interconnect.p2pLatencyUs }),
    allReduce: overrides === undefined ? preset.allReduce : { ...preset.allReduce, ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [Number(k), v])) },
    source: overrides === undefined ? `${file}: link ${data.interconnect.link}; figures of the catalog preset (${preset.source})` : `${file} (all-reduce figures given there)`,
  }
  const g = data.gpu
  const gpu: GpuSpec = {
    id: g.id ?? slug(g.name),
    name: g.name,
    ...(g.aliases ? { aliases: g.aliases } : {}),
    memoryGiB: Math.round(g.memoryMiB / 1024),
    memoryMb: g.memoryMiB,
    memoryBandwidthGBps: g.memoryBandwidthGBps,
    tflops: {
      bf16: g.tflops.bf16,
      fp16: g.tflops.fp16 ?? g.tflops.bf16,
      ...(g.tflops.fp8 === undefined ? {} : { fp8: g.tflops.fp8 }),
      ...(g.tflops.fp4 === undefined ? {} : { fp4: g.tflops.fp4 }),
      // Not used for step time (vLLM's GEMMs run on tensor cores); 1/8 of bf16 when not given.
      fp32: g.tflops.fp32 ?? g.tflops.bf16 / 8,
    },
    ...(g.computeEfficiency === undefined ? {} : { computeEfficiency: g.computeEfficiency }),
    interconnect,
    source: data.source ?? `hardware file ${file}`,
  }
  return {
    id: data.id ?? `${data.gpuCount}x${gpu.id}`,
    gpuCount: data.gpuCount,
    gpu,
    interconnect,
    description: data.description ?? `${data.gpuCount}x ${g.name} on ${interconnect.description} (${file})`,
  }
}

/** A hardware file's text, checked. @throws MlnodeBenchError MLNB_CONFIG naming file, field and value. */
export function parseHardwareFileText(text: string, file: string): HardwareProfile {
  let raw: unknown
  try {
    raw = parse(text)
  } catch (error) {
    throw new MlnodeBenchError('MLNB_CONFIG', `hardware file ${file} is not YAML/JSON: ${(error as Error).message}`, { details: { file } })
  }
  const checked = hardwareFileSchema.safeParse(raw)
  if (!checked.success) throw invalid(file, checked.error, raw)
  return profileFromHardwareFile(checked.data, file)
}

const loaded = new Map<string, HardwareProfile>()

/**
 * Reads and checks a hardware file (once per absolute path: the simulator, the planner and the
 * feasibility check all ask for it).
 * @throws MlnodeBenchError MLNB_CONFIG when unreadable or invalid.
 */
export function loadHardwareFile(file: string): HardwareProfile {
  const path = resolve(file.trim())
  const cached = loaded.get(path)
  if (cached) return cached
  const profile = parseHardwareFileText(readTextFileSync(path, { what: 'hardware file', shownAs: file }), file)
  loaded.set(path, profile)
  return profile
}
