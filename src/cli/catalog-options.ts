/** `--hardware` and `--model` values looked up in the src/model catalog, misses as usage errors. */
import { hasCode } from '../errors.js'
import { getHardwareProfile, getModelSpec, type HardwareProfile, type ModelSpec } from '../model/index.js'
import { usageError } from './parse-options.js'

function lookup<T>(command: string, option: string, value: string, what: string, find: (id: string) => T, extra = ''): T {
  try {
    return find(value)
  } catch (error) {
    const known = (error as { details?: { known?: unknown } }).details?.known
    if (!hasCode(error, 'MLNB_MODEL') || !Array.isArray(known)) throw error
    throw usageError(command, `--${option} "${value}" is not a known ${what}. Known: ${known.join(', ')}${extra}.`, { option, value })
  }
}

/**
 * The hardware profile named by `--hardware`: a catalog id or the path of a hardware file
 * (docs/hardware.md). @throws MlnodeBenchError MLNB_USAGE listing the known ids; MLNB_CONFIG
 * naming file, field and value for a bad hardware file.
 */
export function hardwareOption(command: string, value: string | undefined): HardwareProfile {
  return value === undefined ? getHardwareProfile() : lookup(command, 'hardware', value, 'hardware profile', getHardwareProfile, '; or the path of a hardware file (.yaml/.json, docs/hardware.md)')
}

/** The catalog model named by `--model`. @throws MlnodeBenchError MLNB_USAGE listing the known ids. */
export function catalogModelOption(command: string, value: string): ModelSpec {
  return lookup(command, 'model', value, 'catalog model', getModelSpec, '; or pass the path of a HF config.json')
}
