import { MlnodeBenchError } from '../errors.js'
import { findGpuByName, findGpuSpec, listGpuSpecs } from './gpus.js'
import { HARDWARE_FILE_TEMPLATE, isHardwareFilePath, loadHardwareFile } from './hardware-file.js'
import type { HardwareProfile } from './hardware-profile.js'

export type { HardwareProfile } from './hardware-profile.js'

/** The profile `predict` and the simulator use when none is named. @default "8xrtx-4070-ti-super" */
export const DEFAULT_HARDWARE_PROFILE_ID = '8xrtx-4070-ti-super'

const PROFILE_LAYOUTS: ReadonlyArray<[count: number, gpuId: string, description: string]> = [
  [8, 'rtx-4070-ti-super', 'Gonka host box: 8x RTX 4070 Ti SUPER 16 GB on PCIe 4.0, no NVLink, P2P off'],
  [8, 'h100-sxm', 'DGX/HGX H100: 8x H100 SXM 80 GB, NVLink 4 + NVSwitch'],
  [1, 'h100-sxm', 'One H100 SXM 80 GB'],
  [4, 'h100-sxm', 'Half an HGX H100: 4x H100 SXM 80 GB, NVLink 4 + NVSwitch'],
  [8, 'h200', 'HGX H200: 8x H200 141 GB, NVLink 4 + NVSwitch'],
  [4, 'h200', 'HGX H200 4-GPU: 4x H200 141 GB, NVLink 4'],
  [2, 'h200', '2x H200 141 GB of an HGX H200, NVLink 4'],
  [8, 'b200', 'HGX B200: 8x B200 180 GB, NVLink 5'],
  [4, 'b200', '4x B200 180 GB of an HGX B200, NVLink 5'],
  [8, 'b300', 'HGX B300: 8x B300 288 GB, NVLink 5'],
  [8, 'rtx-pro-6000', '8x RTX PRO 6000 Blackwell 96 GB on PCIe 5.0 (P2P on), no NVLink'],
  [4, 'rtx-pro-6000', '4x RTX PRO 6000 Blackwell 96 GB on PCIe 5.0 (P2P on), no NVLink'],
  [2, 'rtx-pro-6000', '2x RTX PRO 6000 Blackwell 96 GB on PCIe 5.0 (P2P on), no NVLink'],
  [8, 'a100-80gb', 'DGX/HGX A100: 8x A100 SXM4 80 GB, NVLink 3 + NVSwitch'],
  [8, 'a100-40gb', 'DGX A100: 8x A100 SXM4 40 GB, NVLink 3 + NVSwitch'],
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
 * The hardware profile with this id (case-insensitive), or the box a hardware file describes
 * (a path ending in .yaml, .yml or .json; docs/hardware.md).
 * @throws MlnodeBenchError 'MLNB_MODEL' listing the known ids; 'MLNB_CONFIG' for a bad file.
 */
export function getHardwareProfile(id: string = DEFAULT_HARDWARE_PROFILE_ID): HardwareProfile {
  if (isHardwareFilePath(id)) return loadHardwareFile(id)
  const wanted = id.trim().toLowerCase()
  const found = PROFILES.find((p) => p.id === wanted) ?? boxOf(wanted)
  if (found === undefined) {
    throw new MlnodeBenchError(
      'MLNB_MODEL',
      `Unknown hardware profile "${id}". Known profiles: ${PROFILES.map((p) => p.id).join(', ')}; or <N>x<gpu> for any catalog GPU (${listGpuSpecs().map((g) => g.id).join(', ')}); or the path of a hardware file (.yaml/.json, docs/hardware.md).`,
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
  const gpu = findGpuByName(distinct[0]!)
  return gpu === undefined ? undefined : getHardwareProfile(`${gpuCount}x${gpu.id}`)
}

/**
 * The box of a real MLNode's GPUs: matched against the hardware file when one is given (the
 * suite's `hardware` file or MLNODE_BENCH_HARDWARE), else against the catalog by the names
 * nvidia-smi prints.
 * @throws MlnodeBenchError MLNB_UNKNOWN_GPU when no catalog GPU has that name (the message holds a
 *   hardware-file template to fill in); MLNB_CONFIG when the file describes other GPUs than the node has.
 */
export function matchDeviceHardware(names: readonly string[], gpuCount: number, file?: string): HardwareProfile | undefined {
  const distinct = [...new Set(names.map((n) => n.trim()).filter((n) => n.length > 0))]
  if (distinct.length === 0 || !(gpuCount >= 1)) return undefined
  if (file !== undefined) {
    const described = loadHardwareFile(file)
    const known = [described.gpu.name, ...(described.gpu.aliases ?? [])].map((n) => n.toLowerCase())
    const other = distinct.find((n) => !known.includes(n.toLowerCase()))
    if (other !== undefined) {
      throw new MlnodeBenchError('MLNB_CONFIG', `hardware file ${file}: field "gpu.name" = ${JSON.stringify(described.gpu.name)} but the MLNode reports ${gpuCount}x "${distinct.join('" + "')}"`, {
        details: { file, field: 'gpu.name', value: described.gpu.name, reported: distinct },
      })
    }
    return gpuCount === described.gpuCount ? described : { ...described, id: `${gpuCount}x${described.gpu.id}`, gpuCount, description: `${gpuCount} of ${described.description}` }
  }
  if (distinct.length > 1) return undefined
  const found = hardwareFromDevices(distinct, gpuCount)
  if (found !== undefined) return found
  throw new MlnodeBenchError(
    'MLNB_UNKNOWN_GPU',
    `The MLNode's GPUs ("${distinct[0]}", ${gpuCount} of them) are not in the GPU catalog (${listGpuSpecs().map((g) => g.name).join(', ')}). ` +
      `Describe them in a hardware file and name it in the suite's \`hardware\` option or MLNODE_BENCH_HARDWARE (docs/hardware.md):\n${HARDWARE_FILE_TEMPLATE.replace('<as nvidia-smi --query-gpu=name --format=csv,noheader prints it>', distinct[0]!).replace('gpuCount: 8', `gpuCount: ${gpuCount}`)}`,
    { details: { gpu: distinct[0], gpuCount } },
  )
}
