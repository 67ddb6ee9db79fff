/**
 * The calibration a run's predictions use (MLNODE_BENCH_CALIBRATION, a file `mlnode-bench
 * calibrate` wrote): its constants when it was fitted on the target's GPUs, else none (the
 * prediction is then marked uncalibrated). globalSetup has already checked the file.
 */
import { resolve } from 'node:path'
import { calibrationConstants, loadCalibration, type HardwareProfile, type ModelConstants } from '../model/index.js'

export async function calibrationFor(box: HardwareProfile, env: NodeJS.ProcessEnv = process.env): Promise<ModelConstants | undefined> {
  const file = env.MLNODE_BENCH_CALIBRATION
  if (!file) return undefined
  try {
    return calibrationConstants(await loadCalibration(resolve(file)), box, file)
  } catch {
    return undefined
  }
}
