/** What the charts read from the HDR histograms kept with every latency distribution. */
import { decodeHistogram } from '../metrics/histogram.js'
import type { DistributionSummary } from '../contracts/records.js'

export interface CdfPoint {
  /** Latency, ms. */
  x: number
  /** Share of requests at or below it, 0..1. */
  y: number
}

/** Percentiles a CDF is drawn through: dense in the tail, where latencies differ most. */
const CDF_PERCENTILES = [0, 1, 2, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 92.5, 95, 97, 98, 99, 99.5, 99.9, 100]

/** CDF points of a distribution from its histogram (empty when nothing was recorded). */
export function cdfPoints(d: DistributionSummary | undefined): CdfPoint[] {
  if (!d || d.count === 0 || d.histogram === '') return []
  const h = decodeHistogram(d.histogram)
  if (h.totalCount === 0) return []
  const points: CdfPoint[] = []
  for (const p of CDF_PERCENTILES) {
    const x = (p === 100 ? h.maxValue : h.getValueAtPercentile(p)) / 1000
    if (points.length > 0 && points.at(-1)!.x === x) points.at(-1)!.y = p / 100
    else points.push({ x, y: p / 100 })
  }
  return points
}

/**
 * 95 % confidence interval of the median from the histogram: the order statistics at ranks
 * n/2 ∓ 1.96·√n/2 (distribution-free), read as percentiles. Undefined under 6 values.
 */
export function medianInterval(d: DistributionSummary | undefined): { low: number; high: number } | undefined {
  if (!d || d.count < 6 || d.histogram === '') return undefined
  const h = decodeHistogram(d.histogram)
  const n = h.totalCount
  if (n < 6) return undefined
  const half = (1.96 * Math.sqrt(n)) / 2
  const lowRank = Math.max(1, Math.floor(n / 2 - half))
  const highRank = Math.min(n, Math.ceil(n / 2 + half + 1))
  return { low: h.getValueAtPercentile((100 * lowRank) / n) / 1000, high: h.getValueAtPercentile((100 * highRank) / n) / 1000 }
}
