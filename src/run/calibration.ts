/**
 * The calibration a run's predictions use (MLNODE_BENCH_CALIBRATION, a file `mlnode-bench
 * calibrate` wrote): its constants when it was fitted on the target's GPUs, else none (the
 * prediction is then marked uncalibrated). globalSetup has already checked the file.
 */
import { resolve } from 'node:path'
import { calibrationConstants, loadCalibration, type HardwareProfile, type ModelConstants } from '../model/index.js'

/** Read once per file per worker, not once per bench. */
const loaded = new Map<string, ReturnType<typeof loadCalibration>>()

export async function calibrationFor(box: HardwareProfile, env: NodeJS.ProcessEnv = process.env): Promise<ModelConstants | undefined> {
  const file = env.MLNODE_BENCH_CALIBRATION
  if (!file) return undefined
  const path = resolve(file)
  if (!loaded.has(path)) loaded.set(path, loadCalibration(path))
  try {
    return calibrationConstants(await loaded.get(path)!, box, file)
  } catch {
    return undefined
  }
}
