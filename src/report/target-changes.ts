/**
 * What differs between the setup a baseline entry was measured on and this run's: the target
 * (simulator or node, its GPUs, simulated time, calibration) and, on a real MLNode, its software
 * (GPU list, driver, CUDA, vLLM version, model revision). Any difference makes the entry "target
 * changed": its figures are shown, never judged as a regression or an improvement. A field one of
 * the two runs did not record (an older baseline, a node that does not tell) is not a change.
 */
import type { BaselineEntry } from '../contracts/baseline.js'
import type { NodeEnvironment } from '../contracts/results.js'
import { describeTarget } from './format.js'

const ENVIRONMENT_FIELDS: ReadonlyArray<[keyof NodeEnvironment, string]> = [
  ['gpus', 'GPUs'],
  ['driverVersion', 'driver'],
  ['cudaDriverVersion', 'CUDA'],
  ['vllmVersion', 'vLLM'],
  ['modelCommit', 'model revision'],
]

const shown = (v: string | string[]): string => (Array.isArray(v) ? v.join(', ') : v)

/** Each change as "what: before → now"; empty when the setups are the same. */
export function targetChanges(base: BaselineEntry, next: BaselineEntry): string[] {
  const a = base.target
  const b = next.target
  const changes: string[] = []
  if (a.kind !== b.kind || a.hardware !== b.hardware || (a.simulatedTime ?? false) !== (b.simulatedTime ?? false) || a.calibration !== b.calibration)
    changes.push(`${a.kind === b.kind && a.kind === 'mlnode' ? 'GPU' : 'target'}: ${describeTarget(a)} → ${describeTarget(b)}`)
  for (const [field, label] of ENVIRONMENT_FIELDS) {
    const before = base.environment?.[field]
    const now = next.environment?.[field]
    if (before === undefined || now === undefined) continue
    if (shown(before) !== shown(now)) changes.push(`${label}: ${shown(before)} → ${shown(now)}`)
  }
  return changes
}
