/**
 * `calibrate`'s fit: the model constants (efficiencies, per-step overhead, interconnect scale)
 * that make the performance model's predictions match measured points of one box. Least squares
 * on log ratios (a ×2 error weighs the same either way), a weak pull towards the defaults so that
 * constants the points cannot tell apart stay at their documented values, and a deterministic
 * pattern search in log space (no gradients: every evaluation is a simulation).
 */
import { parseVllmArgs } from '../args/index.js'
import { DEFAULT_MODEL_CONSTANTS, instancesPerServer, modelInstance, resolveEngineConfig, type FittedConstant, type HardwareProfile, type ModelConstants, type ModelSpec } from '../model/index.js'
import type { SimulatedRequest } from '../sim/index.js'
import { predictWorkloads, splitArgString, type PredictionFigures } from './predict-core.js'

/** One measured point: a variant's args, the workload it ran, and any subset of `predict --json` keys. */
export interface MeasuredPoint {
  /** Where it comes from (file and index, or results.json entry), named in reports. */
  label: string
  args: string
  workload: { promptTokens: number; maxTokens: number; requests: number; concurrency?: number; requestRate?: number; burstiness?: number }
  measured: Partial<PredictionFigures>
  /** Where the figures were published (points files' `source`). */
  source?: string
  /** What was measured how; "assumed: …" marks a workload detail that was not published. */
  note?: string
  /**
   * The box, model and dtype of this point when they differ from the fit's (a validation fit over
   * several published setups of one GPU type). @default the FitInput's
   */
  box?: Pick<FitInput, 'hardware' | 'model' | 'dtype'>
}

export interface FitInput {
  hardware: HardwareProfile
  model: ModelSpec
  dtype: string
  points: readonly MeasuredPoint[]
  /** Constants to fit. @default the ones the points can inform (see `fittableConstants`) */
  fit?: readonly FittedConstant[]
  /**
   * Fewest simulated requests per point while fitting (the final errors use every request): a
   * point is cut to max(this, two waves of the requests it keeps in flight), never below its
   * concurrency regime (see simulatedRequestCount). @default 48
   */
  fitRequests?: number
  /** Evaluation budget of the search. @default 400 */
  maxEvaluations?: number
}

export interface PointError {
  label: string
  /** Per measured key: predicted / measured. */
  ratios: Partial<Record<keyof PredictionFigures, number>>
  /** Geometric mean of max(r, 1/r) over the keys: 1 = exact, 1.2 = 20 % off. */
  errorFactor: number
}

export interface FitResult {
  constants: ModelConstants
  errors: PointError[]
  evaluations: number
}

const FRACTIONS: ReadonlySet<FittedConstant> = new Set(['mbuWeights', 'mbuKv', 'mfuLinear', 'mfuAttention'])
const PRIOR_WEIGHT = 1e-3

/**
 * Constants the points can inform: the front end only when some point measured TTFT, the
 * interconnect only when some point spans several GPUs.
 */
export function fittableConstants(points: readonly MeasuredPoint[]): FittedConstant[] {
  const multiGpu = points.some((p) => /(-tp|-pp|tensor-parallel-size|pipeline-parallel-size)[ =]*([2-9]|\d\d)/.test(p.args))
  const ttft = points.some((p) => p.measured.ttft_mean_ms !== undefined || p.measured.ttft_p99_ms !== undefined)
  return [
    'mbuWeights',
    'mfuLinear',
    'stepOverheadS',
    ...(ttft ? (['requestOverheadS'] as const) : []),
    ...(multiGpu ? (['interconnectBandwidthScale'] as const) : []),
  ]
}

/**
 * Requests a point keeps in flight: its concurrency for a closed loop; for an open loop, Little's
 * law on its measured latency (rate × E2E latency), else unknown (undefined).
 */
export function requestsInFlight(point: MeasuredPoint): number | undefined {
  const w = point.workload
  if (w.requestRate === undefined) return Math.min(w.requests, w.concurrency ?? 1)
  const m = point.measured
  const latencyMs = m.e2el_mean_ms ?? (m.ttft_mean_ms !== undefined && m.tpot_mean_ms !== undefined ? m.ttft_mean_ms + m.tpot_mean_ms * Math.max(0, w.maxTokens - 1) : undefined)
  if (latencyMs === undefined) return undefined
  return Math.min(w.requests, w.concurrency ?? Number.POSITIVE_INFINITY, Math.ceil((w.requestRate * latencyMs) / 1000))
}

/** Waves of its in-flight requests a point keeps when it is cut for the fit. */
const FIT_WAVES = 8

/**
 * Requests simulated for a point while fitting: all of them, or at least `cap` and eight waves of
 * what it keeps in flight. So a point measured with 256 requests in flight is fitted with 256 in
 * flight (the batch size, KV pressure and queueing of its regime), never as a burst cut to `cap`,
 * which is another regime; and a point of up to eight waves is simulated whole, since its ramp-up
 * and tail are part of what was measured (a run of 400 requests at concurrency 96 cut to two
 * waves gives 6 % less throughput). Beyond eight waves they weigh at most 1/8.
 */
export function simulatedRequestCount(point: MeasuredPoint, cap: number): number {
  const inFlight = requestsInFlight(point) ?? 0
  return Math.max(1, Math.min(point.workload.requests, Math.max(cap, FIT_WAVES * inFlight)))
}

function requestsOf(point: MeasuredPoint, cap: number): { requests: SimulatedRequest[]; concurrency?: number } {
  const w = point.workload
  const n = Number.isFinite(cap) ? simulatedRequestCount(point, cap) : w.requests
  if (w.requestRate !== undefined) {
    // Evenly spaced arrivals at the mean rate: the fit needs the load, not one random draw of it.
    const requests = Array.from({ length: n }, (_, i) => ({ arrivalS: i / w.requestRate!, promptTokens: w.promptTokens, outputTokens: w.maxTokens }))
    return { requests, ...(w.concurrency === undefined ? {} : { concurrency: w.concurrency }) }
  }
  return { requests: Array.from({ length: n }, () => ({ promptTokens: w.promptTokens, outputTokens: w.maxTokens })), concurrency: w.concurrency ?? 1 }
}

/** Predicts one point with these constants. */
export function predictPoint(setup: Pick<FitInput, 'hardware' | 'model' | 'dtype'>, point: MeasuredPoint, constants: ModelConstants, cap = Number.POSITIVE_INFINITY): PredictionFigures {
  const input = point.box ?? setup
  const args = parseVllmArgs(splitArgString(point.args), { source: point.label })
  const engine = resolveEngineConfig(args.values, input.model, input.hardware, input.dtype)
  const plan = modelInstance(input.hardware, input.model, engine, { constants })
  const instances = instancesPerServer(input.hardware, engine)
  return predictWorkloads({ plan, instances, workloads: [{ name: point.label, ...requestsOf(point, cap) }] })[0]!.figures
}

/** Predicted/measured per key and the point's error factor. */
export function pointError(point: MeasuredPoint, predicted: PredictionFigures): PointError {
  const ratios: PointError['ratios'] = {}
  let sum = 0
  let n = 0
  for (const [key, measured] of Object.entries(point.measured) as Array<[keyof PredictionFigures, number]>) {
    const ratio = predicted[key] / measured
    ratios[key] = ratio
    sum += Math.abs(Math.log(Number.isFinite(ratio) && ratio > 0 ? ratio : 1e-6))
    n += 1
  }
  return { label: point.label, ratios, errorFactor: Math.exp(sum / Math.max(1, n)) }
}

const QUEUEING_KEYS: ReadonlySet<keyof PredictionFigures> = new Set(['ttft_mean_ms', 'ttft_p99_ms', 'e2el_mean_ms'])
const NONE: ReadonlySet<keyof PredictionFigures> = new Set()

/**
 * Keys a cut simulation cannot reproduce: an open-loop point whose requests in flight are unknown
 * (no measured latency) and that was cut, where TTFT and E2E latency are mostly queueing that
 * grows with the run; throughput and TPOT hold. A closed loop is never cut below eight waves of
 * its concurrency (simulatedRequestCount). The reported errors use every request.
 */
function queueingKeysOffWhenCut(point: MeasuredPoint, cap: number): ReadonlySet<keyof PredictionFigures> {
  return requestsInFlight(point) === undefined && simulatedRequestCount(point, cap) < point.workload.requests ? QUEUEING_KEYS : NONE
}

function constantsAt(keys: readonly FittedConstant[], x: readonly number[]): ModelConstants {
  const out: Record<string, number> = {}
  keys.forEach((key, i) => {
    const value = (DEFAULT_MODEL_CONSTANTS[key] as number) * Math.exp(x[i]!)
    out[key] = FRACTIONS.has(key) ? Math.min(1, value) : value
  })
  return out as ModelConstants
}

/** Fits the constants; deterministic for the same input. */
export function fitConstants(input: FitInput): FitResult {
  const keys = input.fit ?? fittableConstants(input.points)
  const cap = input.fitRequests ?? 48
  const maxEvaluations = input.maxEvaluations ?? 400
  let evaluations = 0
  const loss = (x: readonly number[]): number => {
    evaluations += 1
    const constants = constantsAt(keys, x)
    let sum = 0
    for (const point of input.points) {
      const predicted = predictPoint(input, point, constants, cap)
      const skip = queueingKeysOffWhenCut(point, cap)
      for (const [key, measured] of Object.entries(point.measured) as Array<[keyof PredictionFigures, number]>) {
        if (skip.has(key)) continue
        const ratio = predicted[key] / measured
        sum += Math.log(Number.isFinite(ratio) && ratio > 0 ? ratio : 1e-6) ** 2
      }
    }
    return sum + PRIOR_WEIGHT * x.reduce((s, v) => s + v * v, 0)
  }
  // Hooke-Jeeves pattern search: explore ±step on each constant; after a successful sweep, jump
  // further along the direction it moved (correlated constants, e.g. bandwidth efficiency and
  // per-step overhead on decode, move together); halve the step when nothing helps.
  const clamp = (v: number): number => Math.max(-3, Math.min(3, v))
  const explore = (base: number[], baseLoss: number, step: number): [number[], number] => {
    const y = [...base]
    let value = baseLoss
    for (let i = 0; i < keys.length && evaluations < maxEvaluations; i++) {
      for (const sign of [1, -1]) {
        const trial = [...y]
        trial[i] = clamp(trial[i]! + sign * step)
        const v = loss(trial)
        if (v < value - 1e-12) {
          value = v
          y[i] = trial[i]!
          break
        }
      }
    }
    return [y, value]
  }
  let x = keys.map(() => 0)
  let best = loss(x)
  for (let step = 0.5; step >= 0.002 && evaluations < maxEvaluations; ) {
    const [y, value] = explore(x, best, step)
    if (value < best - 1e-12) {
      // Pattern moves while they keep paying off.
      let prev = x
      x = y
      best = value
      while (evaluations < maxEvaluations) {
        const jump = x.map((v, i) => clamp(2 * v - prev[i]!))
        const [z, zValue] = explore(jump, loss(jump), step)
        if (!(zValue < best - 1e-12)) break
        prev = x
        x = z
        best = zValue
      }
    } else step /= 2
  }
  const constants = constantsAt(keys, x)
  const errors = input.points.map((point) => pointError(point, predictPoint(input, point, constants)))
  return { constants, errors, evaluations }
}

/** Leave-one-out: each point predicted by constants fitted on the others. */
export function leaveOneOut(input: FitInput): PointError[] {
  if (input.points.length < 2) return []
  return input.points.map((point, i) => {
    const others = input.points.filter((_, j) => j !== i)
    const fit = fitConstants({ ...input, points: others, fit: input.fit ?? fittableConstants(input.points) })
    return pointError(point, predictPoint(input, point, fit.constants))
  })
}
