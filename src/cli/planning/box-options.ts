/** `--hardware` / `--gpu --gpus` and `--calibration`, shared by predict, plan and calibrate. */
import { calibrationConstants, findGpuSpec, getHardwareProfile, listGpuSpecs, loadCalibration, type HardwareProfile, type ModelConstants } from '../../model/index.js'
import { hardwareOption } from '../catalog-options.js'
import { usageError } from '../parse-options.js'

/** The options naming the box, shared by predict, plan and calibrate. */
export const BOX_OPTIONS = {
  hardware: { type: 'string' },
  gpu: { type: 'string' },
  gpus: { type: 'integer', min: 1, max: 1024 },
} as const

/**
 * The box: `--hardware <profile>`, or `--gpu <catalog gpu> --gpus N` (a box of N of them on the
 * GPU's usual interconnect), or `--hardware <profile> --gpus N` (N GPUs of that profile's box).
 * @throws MlnodeBenchError MLNB_USAGE naming the option and value.
 */
export function boxOption(command: string, v: { hardware?: string | undefined; gpu?: string | undefined; gpus?: number | undefined }): HardwareProfile {
  if (v.gpu !== undefined && v.hardware !== undefined) throw usageError(command, '--gpu and --hardware exclude each other: name the box once', { option: 'gpu' })
  if (v.gpu !== undefined) {
    const gpu = findGpuSpec(v.gpu.trim().toLowerCase())
    if (gpu === undefined) throw usageError(command, `--gpu "${v.gpu}" is not a catalog GPU. Known: ${listGpuSpecs().map((g) => g.id).join(', ')}.`, { option: 'gpu', value: v.gpu })
    if (v.gpus === undefined) throw usageError(command, '--gpu needs --gpus N', { option: 'gpus' })
    return getHardwareProfile(`${v.gpus}x${gpu.id}`)
  }
  const profile = hardwareOption(command, v.hardware)
  if (v.gpus === undefined || v.gpus === profile.gpuCount) return profile
  if (v.gpus > profile.gpuCount) throw usageError(command, `--gpus ${v.gpus} exceeds the ${profile.gpuCount} GPUs of ${profile.id}`, { option: 'gpus', value: v.gpus })
  // Part of the box: same GPUs and links, fewer of them.
  return { ...profile, id: `${v.gpus}x${profile.gpu.id}`, gpuCount: v.gpus, description: `${v.gpus} of ${profile.description}` }
}

/** The constants of `--calibration <file>` for this box; undefined without the option. */
export async function calibrationOption(file: string | undefined, hardware: HardwareProfile): Promise<ModelConstants | undefined> {
  return file === undefined ? undefined : calibrationConstants(await loadCalibration(file), hardware, file)
}
