/**
 * Significance tests used by the baseline diff. Pure numeric code, no dependencies.
 *
 * - Mann-Whitney U (Wilcoxon rank-sum) on binned samples with mid-ranks for ties and the normal
 *   approximation with tie and continuity correction (Mann & Whitney 1947; Lehmann,
 *   "Nonparametrics", ch. 1). Latency histograms bin values, so ties are the normal case.
 * - Fisher's exact test, one-sided, for a rise of a proportion (failed requests, requests missing
 *   their SLO) between two runs.
 */

/** A sorted list of distinct values with how many samples had each (a decoded histogram). */
export type { ValueCounts } from '../metrics/histogram.js'
import type { ValueCounts } from '../metrics/histogram.js'

export interface MannWhitneyResult {
  /** Samples in the first (baseline) and second (new) group. */
  n1: number
  n2: number
  /** U of the second group: pairs (old, new) with new > old, ties counted one half. */
  u2: number
  /** P(new > old) + ½ P(new = old): 0.5 means no shift. */
  probabilityOfSuperiority: number
  /** One-sided p-value for "new tends to be larger than old". */
  pGreater: number
  /** One-sided p-value for "new tends to be smaller than old". */
  pLess: number
}

/**
 * Mann-Whitney U test of `next` against `base`. With an empty group, or when every sample is tied,
 * both p-values are 1 (no evidence either way).
 */
export function mannWhitneyU(base: ValueCounts, next: ValueCounts): MannWhitneyResult {
  const n1 = sumCounts(base)
  const n2 = sumCounts(next)
  if (n1 === 0 || n2 === 0) return { n1, n2, u2: 0, probabilityOfSuperiority: 0.5, pGreater: 1, pLess: 1 }
  // Merge the two sorted lists; for each value of `next`, count base samples below and equal.
  let u2 = 0
  let baseBelow = 0
  let tieTerm = 0 // Σ (t³ − t) over tie groups of the pooled sample
  let i = 0
  let j = 0
  while (i < base.length || j < next.length) {
    const vb = i < base.length ? base[i]![0] : Infinity
    const vn = j < next.length ? next[j]![0] : Infinity
    const v = Math.min(vb, vn)
    const cb = vb === v ? base[i++]![1] : 0
    const cn = vn === v ? next[j++]![1] : 0
    u2 += cn * (baseBelow + cb / 2)
    baseBelow += cb
    const t = cb + cn
    tieTerm += t * t * t - t
  }
  const n = n1 + n2
  const mean = (n1 * n2) / 2
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)))
  const probabilityOfSuperiority = u2 / (n1 * n2)
  if (!(variance > 0)) return { n1, n2, u2, probabilityOfSuperiority, pGreater: 1, pLess: 1 }
  const sd = Math.sqrt(variance)
  // Continuity correction of ½ towards the mean (U moves in steps of ½ with ties).
  const pGreater = normalCdf(-(u2 - mean - 0.5) / sd)
  const pLess = normalCdf((u2 - mean + 0.5) / sd)
  return { n1, n2, u2, probabilityOfSuperiority, pGreater: clampP(pGreater), pLess: clampP(pLess) }
}

/**
 * One-sided Fisher exact test: p-value for "the proportion `hitsNext/totalNext` is larger than
 * `hitsBase/totalBase`", i.e. P(X ≥ hitsNext) under the hypergeometric null.
 */
export function fisherExactGreater(hitsBase: number, totalBase: number, hitsNext: number, totalNext: number): number {
  if (totalBase <= 0 || totalNext <= 0) return 1
  const hits = hitsBase + hitsNext
  const total = totalBase + totalNext
  const maxX = Math.min(hits, totalNext)
  let p = 0
  for (let x = hitsNext; x <= maxX; x++) p += Math.exp(logHypergeom(x, total, hits, totalNext))
  return clampP(p)
}

/** Standard normal cumulative distribution function. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2)
}

/** P(X = x) in log space, X ~ Hypergeometric(population, successes, draws). */
function logHypergeom(x: number, population: number, successes: number, draws: number): number {
  return (
    logChoose(successes, x) + logChoose(population - successes, draws - x) - logChoose(population, draws)
  )
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)
}

/** Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const xm = x - 1
  let a = c[0]!
  const t = xm + 7.5
  for (let i = 1; i < 9; i++) a += c[i]! / (xm + i)
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Complementary error function (Numerical Recipes `erfcc`, fractional error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    )
  return x >= 0 ? r : 2 - r
}

function sumCounts(values: ValueCounts): number {
  let n = 0
  for (const [, c] of values) n += c
  return n
}

function clampP(p: number): number {
  return Math.min(1, Math.max(0, p))
}
