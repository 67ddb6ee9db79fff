/**
 * The HTML report's charts of a sweep workload: the curves of every variant on one chart (share of
 * requests within the SLO, and goodput, against the load), the knee (capacity at SLO) marked with
 * a star on each curve and the attainment drawn as a dashed line.
 */
import type { BenchResult } from '../contracts/results.js'
import { axis, baseOptions, colour, seriesLabel, simulationOf, type ChartSpec } from './chart-spec.js'
import { goodShare } from '../sweep/fold.js'

export function sweepCharts(nextId: () => string, scope: string, results: readonly BenchResult[]): ChartSpec[] {
  const rows = results.filter((r) => r.sweep !== undefined)
  if (rows.length === 0) return []
  const sim = simulationOf(rows.map((r) => r.target.kind === 'simulated'))
  const unit = rows[0]!.sweep!.unit
  const xTitle = unit === 'req/s' ? 'offered load, requests/s' : 'concurrent requests'
  const label = (r: BenchResult) => seriesLabel(r.variant, r.target.kind === 'simulated', sim)
  const measured = (r: BenchResult) => r.sweep!.steps.filter((s) => s.metrics !== undefined)
  const knee = (r: BenchResult, y: (m: NonNullable<BenchResult['sweep']>['steps'][number]) => number) => {
    const step = r.sweep!.steps.find((s) => s.metrics && s.load === r.sweep!.capacityAtSlo.bracket[0])
    return step ? [{ x: step.load, y: y(step) }] : []
  }
  const curve = (y: (s: NonNullable<BenchResult['sweep']>['steps'][number]) => number) =>
    rows.flatMap((r, i) => [
      { label: label(r), data: measured(r).map((s) => ({ x: s.load, y: y(s) })), showLine: true, borderColor: colour(i), backgroundColor: colour(i), pointRadius: 3, fill: false },
      { label: `${label(r)} capacity at SLO`, data: knee(r, y), pointStyle: 'star', pointRadius: 12, borderWidth: 2, borderColor: colour(i), backgroundColor: colour(i, 0.4) },
    ])
  const attainment = rows[0]!.sweep!.attainment
  const xs = rows.flatMap((r) => r.sweep!.steps.map((s) => s.load))
  const shareTitle = `${scope}: share of requests within the SLO by load`
  const goodputTitle = `${scope}: goodput by load`
  const share = (s: NonNullable<BenchResult['sweep']>['steps'][number]) => Math.round((s.goodShare ?? (s.metrics ? goodShare(s.metrics) : 0)) * 1000) / 10
  return [
    {
      id: nextId(),
      kind: 'sweep-slo',
      title: shareTitle,
      simulated: sim !== 'none',
      caption: `Each line is a variant's sweep: the share of a step's requests that met the SLO. A step passes at ${attainment * 100} % (dashed); the star is the capacity at SLO, the highest load that passed (docs/metrics.md).`,
      config: {
        type: 'scatter',
        data: {
          datasets: [
            ...curve(share),
            { label: `attainment ${attainment * 100} %`, data: [{ x: Math.min(...xs), y: attainment * 100 }, { x: Math.max(...xs), y: attainment * 100 }], showLine: true, borderDash: [6, 4], borderColor: '#444', pointRadius: 0, fill: false },
          ],
        },
        options: baseOptions(shareTitle, sim, { x: axis(xTitle), y: axis('% of requests within the SLO', { min: 0, max: 100 }) }),
      },
    },
    {
      id: nextId(),
      kind: 'sweep-goodput',
      title: goodputTitle,
      simulated: sim !== 'none',
      caption: 'Requests per second that met the SLO at each step of each variant; the star marks the capacity at SLO. Past the knee the goodput flattens or falls while the load still grows.',
      config: {
        type: 'scatter',
        data: { datasets: curve((s) => s.metrics?.goodputRequestsPerS ?? 0) },
        options: baseOptions(goodputTitle, sim, { x: axis(xTitle), y: axis('good requests/s', { beginAtZero: true }) }),
      },
    },
  ]
}
