/**
 * Does a calibration carry across the workloads of one box? Leave-one-workload-out: each
 * workload's points predicted by constants fitted on the other workloads' points, against the
 * same points predicted uncalibrated. And what the points can tell apart: `calibrate` warns when
 * it fits more constants than its points can separate, naming what each constant needs.
 */
import type { FittedConstant } from '../model/index.js'
import { fitConstants, fittableConstants, pointError, predictPoint, type FitInput, type MeasuredPoint } from './fit.js'

/** A workload's identity: prompt and output lengths and the load (concurrency or rate). */
export function workloadKey(point: MeasuredPoint): string {
  const w = point.workload
  const load = w.requestRate !== undefined ? `${w.requestRate} req/s${w.concurrency === undefined ? '' : ` max ${w.concurrency}`}` : `concurrency ${w.concurrency ?? 1}`
  return `${w.promptTokens} in / ${w.maxTokens} out, ${load}`
}

export interface HeldOutWorkload {
  workload: string
  points: number
  /** Geometric mean error factor of its points with the default constants. */
  uncalibrated: number
  /** The same with constants fitted on the other workloads only. */
  calibrated: number
}

export interface HeldOutReport {
  workloads: HeldOutWorkload[]
  /** Geometric means over every held-out point. */
  uncalibrated: number
  calibrated: number
}

const geometricMean = (xs: readonly number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / Math.max(1, xs.length))

/** Leave-one-workload-out; undefined with fewer than two workloads. */
export function leaveOneWorkloadOut(input: FitInput): HeldOutReport | undefined {
  const groups = new Map<string, MeasuredPoint[]>()
  for (const point of input.points) groups.set(workloadKey(point), [...(groups.get(workloadKey(point)) ?? []), point])
  if (groups.size < 2) return undefined
  const all: { uncalibrated: number[]; calibrated: number[] } = { uncalibrated: [], calibrated: [] }
  const workloads = [...groups].map(([workload, held]) => {
    const others = input.points.filter((p) => workloadKey(p) !== workload)
    const { constants } = fitConstants({ ...input, points: others, fit: input.fit ?? identifiableConstants(others).fit })
    const uncalibrated = held.map((p) => pointError(p, predictPoint(input, p, {})).errorFactor)
    const calibrated = held.map((p) => pointError(p, predictPoint(input, p, constants)).errorFactor)
    all.uncalibrated.push(...uncalibrated)
    all.calibrated.push(...calibrated)
    return { workload, points: held.length, uncalibrated: geometricMean(uncalibrated), calibrated: geometricMean(calibrated) }
  })
  return { workloads, uncalibrated: geometricMean(all.uncalibrated), calibrated: geometricMean(all.calibrated) }
}

/** What each fitted constant needs from the points to be told apart from the others. */
export const CONSTANT_NEEDS: Readonly<Record<FittedConstant, string>> = {
  mbuWeights: '1+ point with TPOT or output tokens/s measured',
  stepOverheadS: '2+ points with different weight bytes per GPU (two quantisations or TP×PP sizes): decode time is weights / (bandwidth × MBU) + step overhead, one weight size cannot separate the two',
  mfuLinear: '1+ prefill-heavy point (prompts of 512+ tokens with TTFT or input tokens/s measured)',
  requestOverheadS: '1+ point measuring TTFT at concurrency 1 (a request-rate point also works)',
  interconnectBandwidthScale: '1+ point at TP or PP > 1 and 1+ point at another TP×PP size (else it trades with mbuWeights)',
  interconnectLatencyScale: '2+ multi-GPU points at different batch sizes',
  mbuKv: '2+ points at different context lengths',
  mfuAttention: '2+ prefill-heavy points at different prompt lengths',
}

/** Weight bytes per GPU as the args set them (quantisation and TP×PP), for telling weight sizes apart. */
function weightKey(point: MeasuredPoint): string {
  const quant = /(?:--quantization|-q)[ =]+(\S+)/.exec(point.args)?.[1] ?? 'none'
  return `${quant}/${sizeOf(point)}/${point.box?.model.id ?? ''}`
}

const sizeOf = (point: MeasuredPoint): number => {
  const tp = /(?:-tp|--tensor-parallel-size)[ =]+(\d+)/.exec(point.args)
  const pp = /(?:-pp|--pipeline-parallel-size)[ =]+(\d+)/.exec(point.args)
  return Number(tp?.[1] ?? 1) * Number(pp?.[1] ?? 1)
}

const hasTtft = (p: MeasuredPoint): boolean => p.measured.ttft_mean_ms !== undefined || p.measured.ttft_p99_ms !== undefined

/** Constants whose need (CONSTANT_NEEDS) these points do not meet. */
export function unmetNeeds(points: readonly MeasuredPoint[]): Set<FittedConstant> {
  const unmet = new Set<FittedConstant>()
  if (new Set(points.map(weightKey)).size < 2) unmet.add('stepOverheadS')
  if (!points.some((p) => p.workload.promptTokens >= 512 && (hasTtft(p) || p.measured.input_tokens_per_s !== undefined))) unmet.add('mfuLinear')
  if (!points.some((p) => hasTtft(p) && (p.workload.requestRate !== undefined || (p.workload.concurrency ?? 1) === 1))) unmet.add('requestOverheadS')
  const sizes = new Set(points.map(sizeOf))
  if (![...sizes].some((n) => n > 1) || sizes.size < 2) unmet.add('interconnectBandwidthScale')
  return unmet
}

/**
 * The constants a fit of these points can tell apart, out of `keys`: the others stay at their
 * documented defaults instead of trading with each other (one weight size cannot separate MBU
 * from the per-step overhead: MBU is kept, it carries the decode time). `mbuWeights` is always
 * fitted when asked.
 */
export function identifiableConstants(points: readonly MeasuredPoint[], keys: readonly FittedConstant[] = fittableConstants(points)): { fit: FittedConstant[]; kept: FittedConstant[] } {
  const unmet = unmetNeeds(points)
  const fit = keys.filter((k) => k === 'mbuWeights' || !unmet.has(k))
  return { fit, kept: keys.filter((k) => !fit.includes(k)) }
}

/**
 * Warnings for fitting these points: fewer points than the constants they would inform (e.g.
 * five constants and one point), and each constant kept at its default for want of what it needs.
 */
export function fitWarnings(points: readonly MeasuredPoint[], keys: readonly FittedConstant[] = fittableConstants(points)): string[] {
  const { fit, kept } = identifiableConstants(points, keys)
  const warnings: string[] = []
  if (points.length < keys.length) {
    warnings.push(
      `${keys.length} constants (${keys.join(', ')}) to fit to ${points.length} point(s): many sets of constants reproduce so few points. Fitting ${fit.join(', ')}; each constant needs its own evidence:`,
    )
    for (const key of keys) warnings.push(`  ${key}: ${CONSTANT_NEEDS[key]}`)
  }
  for (const key of kept) warnings.push(`${key} kept at its default: it needs ${CONSTANT_NEEDS[key]}, which these points do not have`)
  return warnings
}
