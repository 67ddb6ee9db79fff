/**
 * A calibration file: the model constants `calibrate` fitted to one box's measured runs, read
 * by `predict`, `plan`, the simulator and suites. Constants it does not name keep their defaults.
 */
import { readTextFile } from '../text/read-text-file.js'
import { z } from 'zod'
import { MlnodeBenchError } from '../errors.js'
import type { ModelConstants } from './constants.js'
import type { HardwareProfile } from './hardware.js'

/** The constants `calibrate` fits: the efficiencies, the fixed CPU times and the interconnect scales. */
export const FITTED_CONSTANTS = [
  'mbuWeights',
  'mbuKv',
  'mfuLinear',
  'mfuAttention',
  'stepOverheadS',
  'requestOverheadS',
  'interconnectBandwidthScale',
  'interconnectLatencyScale',
] as const
export type FittedConstant = (typeof FITTED_CONSTANTS)[number]

const fraction = z.number().positive().max(1)
const positive = z.number().positive()

export const calibrationSchema = z
  .object({
    calibration: z.literal(1),
    hardware: z.string().min(1),
    model: z.string().min(1).optional(),
    constants: z
      .object({
        mbuWeights: fraction,
        mbuKv: fraction,
        mfuLinear: fraction,
        mfuAttention: fraction,
        stepOverheadS: positive,
        requestOverheadS: positive,
        interconnectBandwidthScale: positive,
        interconnectLatencyScale: positive,
      })
      .partial()
      .strict(),
    /** How well the constants fit (informative; not read back). */
    fit: z
      .object({
        points: z.number().int().nonnegative(),
        medianErrorFactor: z.number().optional(),
        leaveOneOutMedianErrorFactor: z.number().optional(),
        /** Leave-one-workload-out: held-out points' geometric-mean error factor, fitted on the other workloads / uncalibrated. */
        heldOutWorkloadErrorFactor: z.number().optional(),
        heldOutWorkloadUncalibratedErrorFactor: z.number().optional(),
      })
      .optional(),
  })
  .strict()

export type Calibration = z.infer<typeof calibrationSchema>

/** Checks a parsed calibration file. @throws MlnodeBenchError MLNB_CONFIG naming file, field and value. */
export function parseCalibration(raw: unknown, file: string): Calibration {
  const result = calibrationSchema.safeParse(raw)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const field = issue.path.join('.') || '(root)'
  let value: unknown = raw
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey]
  throw new MlnodeBenchError('MLNB_CONFIG', `${file}: field "${field}" = ${JSON.stringify(value)}: ${issue.message}`, { details: { file, field, value } })
}

/** Reads a calibration file. @throws MlnodeBenchError MLNB_CONFIG when unreadable or invalid. */
export async function loadCalibration(file: string): Promise<Calibration> {
  return parseCalibrationText(await readTextFile(file, { what: 'calibration file' }), file)
}

/** A calibration file's text, checked. @throws MlnodeBenchError MLNB_CONFIG naming the file (and field). */
export function parseCalibrationText(text: string, file: string): Calibration {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new MlnodeBenchError('MLNB_CONFIG', `${file} is not JSON: ${(error as Error).message}`, { details: { file } })
  }
  return parseCalibration(raw, file)
}

/**
 * The constants of a calibration for this box. A calibration fitted on a box of the same GPUs
 * (same links) also holds on part of it: "8xl4" calibrates "4xl4".
 * @throws MlnodeBenchError MLNB_CONFIG when it was fitted on other GPUs (its constants would mislead).
 */
export function calibrationConstants(calibration: Calibration, hardware: HardwareProfile, file: string): ModelConstants {
  if (!calibration.hardware.toLowerCase().endsWith(`x${hardware.gpu.id}`)) {
    throw new MlnodeBenchError(
      'MLNB_CONFIG',
      `${file}: field "hardware" = "${calibration.hardware}" but the prediction is for ${hardware.id}: a calibration only holds for the GPUs it was fitted on`,
      { details: { file, field: 'hardware', value: calibration.hardware, expected: hardware.id } },
    )
  }
  return { ...calibration.constants }
}
