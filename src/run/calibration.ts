/**
 * The constants a prediction beside a real measurement uses: the suite's calibration when it was
 * fitted on the target's GPUs, else none (the prediction is then marked uncalibrated).
 */
import { calibrationConstants, type HardwareProfile, type ModelConstants } from '../model/index.js'
import type { SuiteCalibration } from './suite-calibration.js'

export function calibrationFor(box: HardwareProfile, suite: SuiteCalibration | undefined): ModelConstants | undefined {
  if (!suite) return undefined
  try {
    return calibrationConstants(suite.calibration, box, suite.shown)
  } catch {
    return undefined
  }
}
