/**
 * One key's figure over the stored runs, with the baseline's band (its figure ± the tolerance the
 * diff would allow it) and the runs beyond the band on the worse side marked as regressions.
 */
import { toleranceFor } from '../report/noise.js'
import { METRIC_DEFS, type MetricId } from '../report/metric-defs.js'
import type { BaselineEntry } from '../report/baseline.js'
import { axis, baseOptions, colour, seriesLabel, simulationOf, type ChartSpec } from './chart-spec.js'

export interface TrendPoint {
  /** Run label on the x axis: `#seq date`. */
  label: string
  value: number
  simulated: boolean
}

/** Figure of one metric in a baseline entry and the band the diff's tolerance floor and noise allow. */
export function baselineBand(entry: BaselineEntry | undefined, metric: MetricId): { value: number; low: number; high: number } | undefined {
  const def = METRIC_DEFS.find((d) => d.id === metric)!
  const value = entry?.metrics[metric]?.value
  if (!entry || value === undefined) return undefined
  const tolerance = toleranceFor(def, entry, entry, def.tolerance, 0.1).value
  return { value, low: value * (1 - tolerance), high: value * (1 + tolerance) }
}

/** The trend chart of `key` for `metric` (undefined with fewer than one point). */
export function trendChart(id: string, key: string, metric: MetricId, points: readonly TrendPoint[], band: ReturnType<typeof baselineBand>, bandSource: string): ChartSpec | undefined {
  if (points.length === 0) return undefined
  const def = METRIC_DEFS.find((d) => d.id === metric)!
  const worse = (v: number): boolean => band !== undefined && (def.better === 'lower' ? v > band.high : v < band.low)
  const sim = simulationOf(points.map((p) => p.simulated))
  const title = `${key}: ${def.label} over runs`
  const labels = points.map((p) => seriesLabel(p.label, p.simulated, sim))
  const datasets: Array<Record<string, unknown>> = []
  if (band) {
    datasets.push(
      { type: 'line', label: 'baseline band (low)', data: labels.map(() => band.low), borderColor: colour(2, 0.4), borderWidth: 1, pointRadius: 0, fill: false },
      { type: 'line', label: `baseline ±tolerance (${bandSource})`, data: labels.map(() => band.high), borderColor: colour(2, 0.4), backgroundColor: colour(2, 0.15), borderWidth: 1, pointRadius: 0, fill: '-1' },
    )
  }
  datasets.push(
    { type: 'line', label: `${def.label}, ${def.unit}`, data: points.map((p) => p.value), borderColor: colour(0), backgroundColor: colour(0), pointRadius: 3 },
    { type: 'line', label: 'regression (beyond the band)', data: points.map((p) => (worse(p.value) ? p.value : null)), showLine: false, pointStyle: 'crossRot', pointRadius: 9, borderColor: '#d00', backgroundColor: '#d00', borderWidth: 3 },
  )
  return {
    id,
    kind: 'trend',
    title,
    simulated: sim !== 'none',
    caption: band
      ? `Every stored run of this variant and workload, oldest first. The band is the baseline (${bandSource}) ± the tolerance the diff allows; red crosses are runs beyond it on the worse side.`
      : 'Every stored run of this variant and workload, oldest first (no baseline known for it: no band).',
    config: { type: 'line', data: { labels, datasets }, options: baseOptions(title, sim, { x: axis('run'), y: axis(def.unit, { beginAtZero: false }) }) },
  }
}
