/**
 * Exact summary statistics of a list of millisecond values, as vLLM `bench serve` computes them
 * with numpy (benchmarks/benchmark_serving.py `calculate_metrics`): mean, median, population
 * std (np.std, ddof=0) and percentiles by linear interpolation between closest ranks
 * (np.percentile's default; also compressa-perf's q95 formula). The HDR histogram of the same
 * values is attached for merging; its own percentiles are only used once values are merged.
 */
import { emptySummary, encodeHistogram, histogramFromMs } from './histogram.js'
import type { DistributionSummary } from '../contracts/records.js'

/** Percentile `p` (0..100) of ascending `sorted` values, linear interpolation (numpy 'linear'). */
export function percentileLinear(sorted: readonly number[], p: number): number {
  const n = sorted.length
  if (n === 0) return 0
  const rank = (p / 100) * (n - 1)
  const lower = Math.floor(rank)
  const upper = Math.min(lower + 1, n - 1)
  const low = sorted[lower] as number
  return low + ((sorted[upper] as number) - low) * (rank - lower)
}

/** Exact summary of `valuesMs` plus their encoded HDR histogram (µs). */
export function summarizeValues(valuesMs: readonly number[]): DistributionSummary {
  const n = valuesMs.length
  const histogram = encodeHistogram(histogramFromMs(valuesMs))
  if (n === 0) return emptySummary(histogram)
  const sorted = Float64Array.from(valuesMs).sort()
  const values = Array.from(sorted)
  let sum = 0
  for (const v of values) sum += v
  const mean = sum / n
  let squares = 0
  for (const v of values) squares += (v - mean) * (v - mean)
  return {
    count: n,
    meanMs: mean,
    medianMs: percentileLinear(values, 50),
    p90Ms: percentileLinear(values, 90),
    p95Ms: percentileLinear(values, 95),
    p99Ms: percentileLinear(values, 99),
    minMs: values[0] as number,
    maxMs: values[n - 1] as number,
    stdMs: Math.sqrt(squares / n),
    histogram,
  }
}
