/**
 * The calibration a suite runs with: its `calibration` option (relative to the suite file), else
 * MLNODE_BENCH_CALIBRATION (relative to where vitest runs). Read and checked at collection, so a
 * broken or mismatched file fails before anything deploys. The simulator takes its constants;
 * on a real MLNode the predictions beside the measurements do (when fitted on the same GPUs).
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { MlnodeBenchError } from '../errors.js'
import { calibrationConstants, getHardwareProfile, parseCalibrationText, type Calibration } from '../model/index.js'

export interface SuiteCalibration {
  /** Absolute path it was read from. */
  file: string
  /** As the user wrote it, for labels and errors. */
  shown: string
  calibration: Calibration
}

export interface SuiteCalibrationInput {
  /** The suite's `calibration` option. */
  option: string | undefined
  /** The suite file (absolute) and as shown to the user. */
  file: string
  source: string
  /** The embedded simulator's hardware profile, when that is the target: the file must fit its GPUs. */
  simulatedHardware?: string
  env?: NodeJS.ProcessEnv
}

/** @throws MlnodeBenchError MLNB_CONFIG naming the suite or variable, the file and what is wrong. */
export function suiteCalibration({ option, file, source, simulatedHardware, env = process.env }: SuiteCalibrationInput): SuiteCalibration | undefined {
  const fromEnv = env.MLNODE_BENCH_CALIBRATION || undefined
  const shown = option ?? fromEnv
  if (shown === undefined) return undefined
  const where = option !== undefined ? `${source}: option "calibration" = ${JSON.stringify(option)}` : `MLNODE_BENCH_CALIBRATION = ${JSON.stringify(fromEnv)}`
  const path = option !== undefined ? resolve(dirname(file), option) : resolve(shown)
  const calibration = readCalibration(path, shown, where)
  if (simulatedHardware !== undefined) {
    try {
      calibrationConstants(calibration, getHardwareProfile(simulatedHardware), shown)
    } catch (error) {
      throw new MlnodeBenchError('MLNB_CONFIG', `${where}: ${(error as Error).message}`, { details: { file: shown, field: 'hardware', value: calibration.hardware, expected: simulatedHardware } })
    }
  }
  return { file: path, shown, calibration }
}

function readCalibration(path: string, shown: string, where: string): Calibration {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new MlnodeBenchError('MLNB_CONFIG', `${where}: cannot read the calibration file: ${(error as Error).message}`, { details: { file: shown } })
  }
  try {
    return parseCalibrationText(text, shown)
  } catch (error) {
    // Where the file was named comes first: the suite's option or the environment variable.
    throw new MlnodeBenchError('MLNB_CONFIG', `${where}: ${(error as Error).message}`, { cause: error, details: { file: shown } })
  }
}
