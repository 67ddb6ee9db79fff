/**
 * Tolerance from measured noise (the way Bencher's statistical thresholds work): each baseline
 * entry keeps the figures of the last runs accepted on the same setup (`history`); a metric's
 * tolerance is max(floor, 4 σ̂), where σ̂ is the run-to-run coefficient of variation's 95 % upper
 * confidence bound (chi-square on n − 1 degrees of freedom, so 3 runs count for less than 10).
 * A simulator on simulated time without injected noise is deterministic: its noise is 0 by
 * construction and the floor applies. With fewer than two runs on a noisy target the noise is
 * unknown and the conservative `unknownNoise` tolerance applies (say so in the note). An entry
 * accepted from repeats takes its tolerance from their spread instead, until its history holds as
 * many runs as it had repeats.
 */
import type { BaselineEntry } from '../contracts/baseline.js'
import type { MetricDef, MetricId } from './metric-defs.js'
import { pooledK, pooledSpread } from './repeat-tolerance.js'

/** Figures kept per metric in an entry's history. */
export const HISTORY_RUNS = 10

/** How many σ̂ a change must exceed. 4σ one-sided ≈ 3·10⁻⁵ per comparison under normal noise. */
export const NOISE_SIGMAS = 4

/** Lower 5 % quantiles of chi-square with 1…9 degrees of freedom (σ̂ bound = s·√(df / q)). */
const CHI2_LOWER_5: readonly number[] = [0.00393, 0.103, 0.352, 0.711, 1.145, 1.635, 2.167, 2.733, 3.325]

export interface Tolerance {
  value: number
  /** Where it came from, for the verdict's note ('' for a plain floor). */
  why: string
}

/** Whether the entry's figures cannot vary between runs of the same code (deterministic simulator). */
export function isDeterministic(entry: Pick<BaselineEntry, 'target'>): boolean {
  return entry.target.kind === 'simulated' && entry.target.simulatedTime === true && !entry.target.noiseCv && !entry.target.runNoise
}

/** Same setup: the history of `previous` may continue with `next`'s figures. */
export function sameSetup(previous: BaselineEntry, next: BaselineEntry): boolean {
  const a = previous.target
  const b = next.target
  return a.kind === b.kind && a.hardware === b.hardware && a.simulatedTime === b.simulatedTime && (a.noiseCv ?? 0) === (b.noiseCv ?? 0) && (a.runNoise ?? 0) === (b.runNoise ?? 0) && previous.args.join('\u0000') === next.args.join('\u0000')
}

/** `next` with its history: the previous entry's (same setup) plus its own figures, newest last. */
export function withHistory(previous: BaselineEntry | undefined, next: BaselineEntry): BaselineEntry {
  const history: Partial<Record<MetricId, number[]>> = {}
  const carry = previous !== undefined && sameSetup(previous, next)
  for (const [id, metric] of Object.entries(next.metrics) as Array<[MetricId, { value: number }]>) {
    const before = carry ? (previous.history?.[id] ?? (previous.metrics[id] ? [previous.metrics[id]!.value] : [])) : []
    history[id] = [...before, metric.value].slice(-HISTORY_RUNS)
  }
  return { ...next, history }
}

/** Run-to-run coefficient of variation of `values` and its 95 % upper bound; undefined under two values. */
export function noiseOf(values: readonly number[]): { runs: number; cv: number; cvUpper: number } | undefined {
  const n = values.length
  if (n < 2) return undefined
  const mean = values.reduce((a, b) => a + b, 0) / n
  if (mean === 0) return { runs: n, cv: 0, cvUpper: 0 }
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1))
  const cv = sd / Math.abs(mean)
  const df = n - 1
  const q = CHI2_LOWER_5[df - 1] ?? df - 1.645 * Math.sqrt(2 * df) // normal approximation beyond 9 df
  return { runs: n, cv, cvUpper: cv * Math.sqrt(df / q) }
}

/**
 * The tolerance of one metric between a baseline entry and a new run: the floor for a
 * deterministic target, max(floor, NOISE_SIGMAS × noise bound) with a history of ≥ 2 runs,
 * `unknownNoise` otherwise. Failures keep their absolute floor (Fisher's test judges them).
 */
export function toleranceFor(def: MetricDef, base: BaselineEntry, next: BaselineEntry, floor: number, unknownNoise: number, repeatKOverride?: number): Tolerance {
  if (def.id === 'failedRequests') return { value: floor, why: '' }
  if (isDeterministic(base) && isDeterministic(next)) return { value: floor, why: 'deterministic' }
  const noise = noiseOf(base.history?.[def.id] ?? [])
  // A baseline accepted from repeats: the spread of its own repeats (repeat-tolerance.ts), until
  // the history of accepted runs has as many figures (as many degrees of freedom) as they had.
  const fromRepeats = base.repeats?.tolerance[def.id]
  if (fromRepeats !== undefined && (noise?.runs ?? 0) < base.repeats!.count) {
    const b = base.repeats!
    const n = next.repeats
    const s2 = n?.spread[def.id]
    // The new run's own repeats measure the same noise: pooled with the baseline's.
    if (n !== undefined && s2 !== undefined) {
      const pooled = pooledSpread(b.spread[def.id] ?? 0, b.count, s2, n.count)
      return { value: Math.max(floor, (repeatKOverride ?? pooledK(b.count, n.count)) * pooled), why: `spread ${pct(pooled)} in ${b.count} + ${n.count} repeats` }
    }
    const value = repeatKOverride === undefined ? fromRepeats : repeatKOverride * (b.spread[def.id] ?? 0)
    return { value: Math.max(floor, value), why: `spread ${pct(b.spread[def.id] ?? 0)} in ${b.count} repeats` }
  }
  if (noise === undefined) return { value: Math.max(floor, unknownNoise), why: 'noise unknown' }
  const value = Math.max(floor, NOISE_SIGMAS * noise.cvUpper)
  return { value, why: `noise ${pct(noise.cv)} in ${noise.runs} runs` }
}

function pct(x: number): string {
  return `${+(x * 100).toFixed(2)} %`
}
