/**
 * The tolerance of a baseline accepted from repeats (docs/gate.md "Repeats"): a result folding N
 * measurements holds their median per figure; a later run folding N measurements too differs
 * from it, under noise alone, by D = median(new) − median(base), whose standard deviation is
 * σ·√(2·c_N) (c_N: the variance of the median of N normal draws in units of σ²). σ is only
 * estimated, by the repeats' sample standard deviation s on N − 1 degrees of freedom, so the
 * one-sided bound that D exceeds with probability ≤ α is Student's: t(1 − α, N − 1)·s·√(2·c_N).
 * The tolerance of each metric is that bound relative to the median, at α = 0.1 % per metric
 * (REPEAT_CONFIDENCE): a run judges ~9 metrics per workload, and at α = 1 % per metric
 * `npm run bench:gate` measured 4 % of unchanged 3-repeat runs with a false alarm at 3 % run-level
 * noise (docs/gate.md); at 0.1 % the union over 18 metrics stays under 2 % even if they were
 * independent, and they are correlated (one run factor moves them all).
 */
import type { BaselineRepeats, MetricId } from '../contracts/baseline.js'
import type { RepeatSummary } from '../contracts/results.js'

/** Repeats a first baseline on a real target needs (and the fewest that give a spread with 2 degrees of freedom). */
export const MIN_BASELINE_REPEATS = 3

/** One-sided confidence of the bound: at most 0.1 % of unchanged comparisons of a metric exceed it. */
export const REPEAT_CONFIDENCE = 0.999

/**
 * Student's t, 0.999 quantile, for 1…20 degrees of freedom (NIST/SEMATECH e-Handbook of Statistical
 * Methods, table 1.3.6.7.2, https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm).
 * Beyond 20 the value for 20 is kept (t falls with the degrees of freedom: that errs wide).
 */
const T999: readonly number[] = [318.313, 22.327, 10.215, 7.173, 5.893, 5.208, 4.782, 4.499, 4.296, 4.143, 4.024, 3.929, 3.852, 3.787, 3.733, 3.686, 3.646, 3.61, 3.579, 3.552]

/**
 * c_N, the variance of the median of N standard normal draws (for even N the folded figure is the
 * lower middle value, one order statistic). test/report/repeat-tolerance.test.ts checks these by a
 * seeded simulation; beyond 10, the asymptotic π / (2N).
 */
const MEDIAN_VARIANCE: readonly number[] = [1, 0.684, 0.449, 0.36, 0.287, 0.245, 0.21, 0.187, 0.166, 0.151]

export function medianVariance(n: number): number {
  return MEDIAN_VARIANCE[n - 1] ?? Math.PI / (2 * n)
}

/** k of `tolerance = k · spread` for N repeats on both sides. */
export function repeatK(n: number): number {
  if (n < 2) return Infinity
  return (T999[n - 2] ?? T999[T999.length - 1]!) * Math.sqrt(2 * medianVariance(n))
}

/**
 * When the new run folded repeats too, its spread is evidence of the same noise: the two spreads
 * pool (n1 + n2 − 2 degrees of freedom, the two-sample t bound) and k shrinks accordingly:
 * t(0.999, n1 + n2 − 2)·√(c_n1 + c_n2) times the pooled spread.
 */
export function pooledK(n1: number, n2: number): number {
  const df = n1 + n2 - 2
  if (n1 < 1 || n2 < 1 || df < 1) return Infinity
  return (T999[df - 1] ?? T999[T999.length - 1]!) * Math.sqrt(medianVariance(n1) + medianVariance(n2))
}

/** The pooled spread of two sets of repeats (root of the df-weighted mean of the variances). */
export function pooledSpread(s1: number, n1: number, s2: number, n2: number): number {
  return Math.sqrt(((n1 - 1) * s1 * s1 + (n2 - 1) * s2 * s2) / (n1 + n2 - 2))
}

/** The value an even number of repeats folds to: the lower middle one (always a measured value). */
export function foldedMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

/** Sample standard deviation / median; 0 when the median is 0 (nothing to be relative to). */
export function relativeSpread(values: readonly number[]): number {
  const n = values.length
  if (n < 2) return 0
  const median = foldedMedian(values)
  if (median === 0) return 0
  const mean = values.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1))
  return sd / Math.abs(median)
}

/** The baseline's record of a folded result's repeats: per metric its spread and tolerance (`k` overrides repeatK, for bench:gate). */
export function baselineRepeats(repeats: RepeatSummary, k = repeatK(repeats.count)): BaselineRepeats {
  const spread: Partial<Record<MetricId, number>> = {}
  const tolerance: Partial<Record<MetricId, number>> = {}
  for (const [id, values] of Object.entries(repeats.figures) as Array<[MetricId, number[]]>) {
    if (values.length < 2) continue
    spread[id] = relativeSpread(values)
    tolerance[id] = k * spread[id]!
  }
  return { count: repeats.count, redeployed: repeats.redeployed, spread, tolerance }
}
