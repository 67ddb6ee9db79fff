import { MlnodeBenchError } from '../errors.js'
import { findGpuSpec, listGpuSpecs, type GpuSpec, type InterconnectSpec } from './gpus.js'

/** A server: N identical GPUs and the links between them. */
export interface HardwareProfile {
  /** Profile id, e.g. "8xrtx-4070-ti-super". */
  id: string
  gpuCount: number
  gpu: GpuSpec
  /** Links between this box's GPUs (defaults to the GPU's usual box interconnect). */
  interconnect: InterconnectSpec
  description: string
}

/** The profile `predict` and the simulator use when none is named. @default "8xrtx-4070-ti-super" */
export const DEFAULT_HARDWARE_PROFILE_ID = '8xrtx-4070-ti-super'

const PROFILE_LAYOUTS: ReadonlyArray<[count: number, gpuId: string, description: string]> = [
  [8, 'rtx-4070-ti-super', 'Gonka host box: 8x RTX 4070 Ti SUPER 16 GB on PCIe 4.0, no NVLink, P2P off'],
  [8, 'h100-sxm', 'DGX/HGX H100: 8x H100 SXM 80 GB, NVLink 4 + NVSwitch'],
  [1, 'h100-sxm', 'One H100 SXM 80 GB'],
  [8, 'h200', 'HGX H200: 8x H200 141 GB, NVLink 4 + NVSwitch'],
  [8, 'b200', 'HGX B200: 8x B200 180 GB, NVLink 5'],
  [8, 'a100-80gb', 'DGX/HGX A100: 8x A100 SXM4 80 GB, NVLink 3 + NVSwitch'],
  [8, 'l40s', '8x L40S 48 GB on PCIe 4.0 (P2P on), no NVLink'],
  [8, 'l40', '8x L40 48 GB on PCIe 4.0 (P2P on), no NVLink'],
  [8, 'l4', '8x L4 24 GB on PCIe 4.0 (e.g. GCP g2-standard-96)'],
  [8, 'rtx-4090', '8x RTX 4090 24 GB on PCIe 4.0, no NVLink, P2P off'],
  [4, 'rtx-3090', '4x RTX 3090 24 GB on PCIe 4.0, P2P off (NVLink bridges not modelled)'],
  [1, 'rtx-4090', 'One RTX 4090 24 GB'],
  [1, 'rtx-4070-ti-super', 'One RTX 4070 Ti SUPER 16 GB'],
  [1, 'l4', 'One L4 24 GB'],
  [8, 'h100-pcie', '8x H100 PCIe 80 GB on PCIe 5.0, no NVLink'],
]

const PROFILES: readonly HardwareProfile[] = PROFILE_LAYOUTS.map(([gpuCount, gpuId, description]) => {
  const gpu = findGpuSpec(gpuId)
  if (gpu === undefined) throw new Error(`hardware catalog: unknown GPU ${gpuId}`)
  return { id: `${gpuCount}x${gpuId}`, gpuCount, gpu, interconnect: gpu.interconnect, description }
})

/** Every hardware profile, default first. */
export function listHardwareProfiles(): HardwareProfile[] {
  return [...PROFILES]
}

/**
 * The hardware profile with this id (case-insensitive).
 * @throws MlnodeBenchError 'MLNB_MODEL' listing the known ids.
 */
export function getHardwareProfile(id: string = DEFAULT_HARDWARE_PROFILE_ID): HardwareProfile {
  const wanted = id.trim().toLowerCase()
  const found = PROFILES.find((p) => p.id === wanted) ?? boxOf(wanted)
  if (found === undefined) {
    throw new MlnodeBenchError(
      'MLNB_MODEL',
      `Unknown hardware profile "${id}". Known profiles: ${PROFILES.map((p) => p.id).join(', ')}; or <N>x<gpu> for any catalog GPU (${listGpuSpecs().map((g) => g.id).join(', ')}).`,
      { details: { hardware: id, known: PROFILES.map((p) => p.id) } },
    )
  }
  return found
}

/**
 * A box of `count` catalog GPUs on their usual interconnect ("4xh100-sxm"): part of a listed box,
 * or one the profile list lacks. Undefined when the id is not `<N>x<gpu id>`.
 */
function boxOf(id: string): HardwareProfile | undefined {
  const m = /^(\d{1,3})x(.+)$/.exec(id)
  const gpu = m === null ? undefined : findGpuSpec(m[2]!)
  const count = Number(m?.[1])
  if (gpu === undefined || !(count >= 1)) return undefined
  return { id: `${count}x${gpu.id}`, gpuCount: count, gpu, interconnect: gpu.interconnect, description: `${count}x ${gpu.name} on ${gpu.interconnect.description}` }
}

/**
 * The box a real MLNode reports (`/health` gpu.devices or `/api/v1/gpu/devices`): its GPUs found
 * in the catalog by the name nvidia-smi prints. Undefined when a name is unknown or the GPUs differ.
 */
export function hardwareFromDevices(names: readonly string[], gpuCount: number): HardwareProfile | undefined {
  const distinct = [...new Set(names.map((n) => n.trim().toLowerCase()))]
  if (distinct.length !== 1 || !(gpuCount >= 1)) return undefined
  const gpu = listGpuSpecs().find((g) => g.name.toLowerCase() === distinct[0])
  return gpu === undefined ? undefined : getHardwareProfile(`${gpuCount}x${gpu.id}`)
}
