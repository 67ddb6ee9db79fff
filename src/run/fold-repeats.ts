/**
 * Folds the N measurements of one workload in one run (suite option `repeats`) into one result:
 * every number is the median of the repeats' (for an even N the lower middle value, so a figure
 * is always one a repeat measured), each latency distribution is the whole distribution of the
 * repeat whose median latency is that median (its histogram is what the significance test reads),
 * and the judged figures of every repeat are kept beside it for their spread (docs/gate.md).
 */
import type { DistributionSummary, WorkloadMetrics } from '../contracts/records.js'
import type { RepeatSummary } from '../contracts/results.js'
import type { MetricId } from '../contracts/baseline.js'
import { metricFigures } from '../report/baseline.js'
import { foldedMedian } from '../report/repeat-tolerance.js'

export interface FoldedRepeats {
  metrics: WorkloadMetrics
  repeats: RepeatSummary
}

/** @param measured at least two measurements of the same workload, in order. */
export function foldRepeats(measured: readonly WorkloadMetrics[], redeployed: boolean): FoldedRepeats {
  if (measured.length < 2) throw new Error(`foldRepeats needs two measurements or more, got ${measured.length}`)
  const figures: Partial<Record<MetricId, number[]>> = {}
  for (const m of measured)
    for (const [id, metric] of Object.entries(metricFigures(m)) as Array<[MetricId, { value: number }]>) (figures[id] ??= []).push(metric.value)
  return { metrics: fold(measured) as WorkloadMetrics, repeats: { count: measured.length, redeployed, figures } }
}

function isDistribution(value: unknown): value is DistributionSummary {
  return typeof value === 'object' && value !== null && 'histogram' in value && 'medianMs' in value
}

function fold(values: readonly unknown[]): unknown {
  const first = values[0]
  if (typeof first === 'number') return foldedMedian(values as number[])
  if (typeof first === 'boolean') return values.some(Boolean)
  if (isDistribution(first)) {
    const distributions = values as DistributionSummary[]
    const median = foldedMedian(distributions.map((d) => d.medianMs))
    return distributions.find((d) => d.medianMs === median)!
  }
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const objects = values as Array<Record<string, unknown>>
    const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))]
    const out: Record<string, unknown> = {}
    for (const key of keys) {
      const present = objects.map((o) => o[key]).filter((v) => v !== undefined)
      // A count one repeat did not have (a failure reason it never saw) is 0 there.
      out[key] = typeof present[0] === 'number' ? foldedMedian(objects.map((o) => (o[key] as number | undefined) ?? 0)) : fold(present)
    }
    return out
  }
  // Strings, arrays (the SLO, labels): the same in every repeat of one workload.
  return first
}
