/** The charts of the report, each from plain data (see report-data.ts for where the data comes from). */
import type { DistributionSummary } from '../contracts/records.js'
import type { BenchResult } from '../contracts/results.js'
import { axis, baseOptions, categoryAxis, colour, seriesLabel, simulationOf, wrapLabel, type ChartSpec, type Simulation } from './chart-spec.js'
import { cdfPoints, medianInterval } from './distributions.js'
import type { PredictedFigures } from './predicted.js'

/** The latest result of one variant for one model › workload, with what history knows of it. */
export interface VariantView {
  variant: string
  result: BenchResult
  simulated: boolean
  /** Output tok/s of every stored run of this key, oldest first (the range shown as uncertainty). */
  throughputRuns: number[]
  predicted?: PredictedFigures
}

const ms = (x: number): number => Math.round(x * 1000) / 1000
const simulation = (views: readonly VariantView[]): Simulation => simulationOf(views.map((v) => v.simulated))
const label = (v: VariantView, sim: Simulation): string => seriesLabel(v.variant, v.simulated, sim)

/** Variants side by side: TTFT and E2EL medians with the 95 % confidence interval of each median. */
export function variantLatencyChart(id: string, scope: string, views: readonly VariantView[]): ChartSpec {
  const sim = simulation(views)
  const series = (label: string, pick: (m: NonNullable<BenchResult['metrics']>) => DistributionSummary, i: number) => [
    { type: 'bar', stack: label, label: `${label} p50`, data: views.map((v) => (v.result.metrics ? ms(pick(v.result.metrics).medianMs) : null)), backgroundColor: colour(i, 0.7) },
    {
      type: 'bar',
      stack: label,
      label: `${label} p50, 95 % CI`,
      data: views.map((v) => {
        const ci = v.result.metrics ? medianInterval(pick(v.result.metrics)) : undefined
        return ci ? [ms(ci.low), ms(ci.high)] : null
      }),
      backgroundColor: 'rgba(0, 0, 0, 0.15)',
      borderColor: '#222',
      borderWidth: 1.5,
      barPercentage: 0.25,
    },
  ]
  return {
    id,
    kind: 'variants-latency',
    title: `${scope}: latency by variant`,
    simulated: sim !== 'none',
    caption: 'Median TTFT and E2EL of the latest run of each variant; the dark whisker drawn on each bar is the 95 % confidence interval of that median (order statistics read from the HDR histogram).',
    config: {
      type: 'bar',
      data: { labels: views.map((v) => wrapLabel(label(v, sim))), datasets: [...series('TTFT', (m) => m.ttftMs, 0), ...series('E2EL', (m) => m.e2elMs, 1)] },
      // A stacked x axis puts each figure's bar and its interval in one slot; an unstacked y keeps their own values.
      options: baseOptions(`${scope}: latency by variant`, sim, { x: categoryAxis('variant', { stacked: true }), y: axis('ms', { beginAtZero: true, stacked: false }) }),
    },
  }
}

/** Variants side by side: output throughput of the latest run, with the range over all stored runs. */
export function variantThroughputChart(id: string, scope: string, views: readonly VariantView[]): ChartSpec {
  const sim = simulation(views)
  return {
    id,
    kind: 'variants-throughput',
    title: `${scope}: output throughput by variant`,
    simulated: sim !== 'none',
    caption: 'Output tokens/s of the latest run of each variant; the dark whisker drawn on each bar spans the lowest to highest figure of all runs of that variant in the history (run-to-run spread).',
    config: {
      type: 'bar',
      data: {
        labels: views.map((v) => wrapLabel(label(v, sim))),
        datasets: [
          { type: 'bar', stack: 'throughput', label: 'output tok/s (latest run)', data: views.map((v) => v.result.metrics?.outputTokensPerS ?? null), backgroundColor: colour(2, 0.7) },
          {
            type: 'bar',
            stack: 'throughput',
            label: 'range over stored runs',
            data: views.map((v) => (v.throughputRuns.length > 0 ? [Math.min(...v.throughputRuns), Math.max(...v.throughputRuns)] : null)),
            backgroundColor: 'rgba(0, 0, 0, 0.15)',
            borderColor: '#222',
            borderWidth: 1.5,
            barPercentage: 0.25,
          },
        ],
      },
      options: baseOptions(`${scope}: output throughput by variant`, sim, { x: categoryAxis('variant', { stacked: true }), y: axis('output tokens/s', { beginAtZero: true, stacked: false }) }),
    },
  }
}

const CDF_METRICS = { ttft: ['ttftMs', 'TTFT'], itl: ['itlMs', 'ITL'], e2el: ['e2elMs', 'E2EL'] } as const

/** Latency distribution of every variant as a CDF, from its HDR histogram. */
export function cdfChart(id: string, scope: string, which: keyof typeof CDF_METRICS, views: readonly VariantView[]): ChartSpec | undefined {
  const [key, name] = CDF_METRICS[which]
  const shown = views.map((v, i) => ({ v, i, points: cdfPoints(v.result.metrics?.[key]) })).filter((d) => d.points.length > 0)
  if (shown.length === 0) return undefined
  const sim = simulation(shown.map((d) => d.v))
  const datasets = shown.map(({ v, i, points }) => ({ label: label(v, sim), data: points, showLine: true, borderColor: colour(i), backgroundColor: colour(i), pointRadius: 1.5, stepped: false }))
  const title = `${scope}: ${name} distribution (CDF)`
  return {
    id,
    kind: `cdf-${which}`,
    title,
    simulated: sim !== 'none',
    caption: `Share of requests whose ${name} is at most x, per variant (latest run, from the HDR histogram kept in the results). Further left is faster; the top of the curve is the tail.`,
    config: { type: 'scatter', data: { datasets }, options: baseOptions(title, sim, { x: axis(`${name}, ms (log scale)`, { type: 'logarithmic' }), y: axis('share of requests', { min: 0, max: 1 }) }) },
  }
}

/**
 * Throughput per GPU against throughput per user, one point per variant, with the Pareto front:
 * a layout off the front is beaten on both at once by one on it.
 */
export function paretoChart(id: string, scope: string, views: readonly VariantView[]): ChartSpec | undefined {
  const points = views
    .map((v, i) => {
      const m = v.result.metrics
      const gpus = v.result.layout?.gpuCount
      if (!m || !gpus || m.tpotMs.medianMs <= 0) return undefined
      return { v, i, x: 1000 / m.tpotMs.medianMs, y: m.outputTokensPerS / gpus }
    })
    .filter((p) => p !== undefined)
  if (points.length === 0) return undefined
  const front = points.filter((p) => !points.some((q) => q !== p && q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y))).sort((a, b) => a.x - b.x)
  const sim = simulation(points.map((p) => p.v))
  const title = `${scope}: throughput per GPU vs per user (Pareto)`
  return {
    id,
    kind: 'pareto',
    title,
    simulated: sim !== 'none',
    caption: 'Each point is a variant: x = decode speed one user sees (1000 / median TPOT, tokens/s), y = output tokens/s per GPU of the node. Points on the dashed front are the layouts worth running; pick along it by the per-user speed you need.',
    config: {
      type: 'scatter',
      data: {
        datasets: [
          ...points.map((p) => ({ label: label(p.v, sim), data: [{ x: p.x, y: p.y }], backgroundColor: colour(p.i), pointRadius: 6 })),
          { label: 'Pareto front', data: front.map((p) => ({ x: p.x, y: p.y })), showLine: true, borderDash: [6, 4], borderColor: '#444', pointRadius: 0, fill: false },
        ],
      },
      options: baseOptions(title, sim, { x: axis('tokens/s per user (1000 / TPOT p50)'), y: axis('output tokens/s per GPU', { beginAtZero: true }) }),
    },
  }
}

/** Seconds from `up` to ready per variant: what a host pays at every switch. */
export function deployChart(id: string, model: string, deploys: ReadonlyArray<{ variant: string; deployS: number; simulated: boolean }>): ChartSpec | undefined {
  if (deploys.length === 0) return undefined
  const sim = simulationOf(deploys.map((d) => d.simulated))
  const title = `${model}: deploy time by variant`
  return {
    id,
    kind: 'deploy',
    title,
    simulated: sim !== 'none',
    caption: 'Seconds from the deploy request to ready (simulated seconds on a simulator), latest run of each variant.',
    config: {
      type: 'bar',
      data: { labels: deploys.map((d) => wrapLabel(seriesLabel(d.variant, d.simulated, sim))), datasets: [{ label: 'deploy time, s', data: deploys.map((d) => d.deployS), backgroundColor: colour(4, 0.7) }] },
      options: baseOptions(title, sim, { x: categoryAxis('variant'), y: axis('seconds', { beginAtZero: true }) }),
    },
  }
}

/** Predicted vs measured output throughput, for the results the performance model knows. */
export function predictedChart(id: string, model: string, rows: ReadonlyArray<{ label: string; predicted: number; measured: number; simulated: boolean }>): ChartSpec | undefined {
  if (rows.length === 0) return undefined
  const sim = simulationOf(rows.map((r) => r.simulated))
  const title = `${model}: predicted vs measured output throughput`
  return {
    id,
    kind: 'predicted',
    title,
    simulated: sim !== 'none',
    caption: 'Prediction: the performance model (mlnode-bench predict) run on the workload each result measured (mean prompt and output tokens, its request count, concurrency by Little\'s law). Measured: the latest run.',
    config: {
      type: 'bar',
      data: {
        labels: rows.map((r) => wrapLabel(seriesLabel(r.label, r.simulated, sim))),
        datasets: [
          { label: 'predicted (performance model)', data: rows.map((r) => r.predicted), backgroundColor: colour(5, 0.6) },
          { label: 'measured', data: rows.map((r) => r.measured), backgroundColor: colour(0, 0.7) },
        ],
      },
      options: baseOptions(title, sim, { x: categoryAxis('variant › workload'), y: axis('output tokens/s', { beginAtZero: true }) }),
    },
  }
}

/** vLLM's KV-cache use and queue over the workload, per variant, from its /metrics pages. */
export function serverTelemetryChart(id: string, scope: string, views: readonly VariantView[]): ChartSpec | undefined {
  const shown = views.map((v, i) => ({ v, i, series: v.result.serverTelemetry?.series ?? [] })).filter((d) => d.series.length > 1)
  if (shown.length === 0) return undefined
  const sim = simulation(shown.map((d) => d.v))
  const title = `${scope}: KV-cache use and queue (vLLM /metrics)`
  const datasets = shown.flatMap(({ v, i, series }) => [
    { type: 'line', label: `${label(v, sim)} KV use %`, yAxisID: 'y', data: series.flatMap((p) => (p.kvCacheUsage === undefined ? [] : [{ x: p.tS, y: Math.round(p.kvCacheUsage * 1000) / 10 }])), borderColor: colour(i), backgroundColor: colour(i), pointRadius: 0, tension: 0 },
    { type: 'line', label: `${label(v, sim)} waiting`, yAxisID: 'queue', data: series.flatMap((p) => (p.waiting === undefined ? [] : [{ x: p.tS, y: p.waiting }])), borderColor: colour(i), backgroundColor: colour(i), borderDash: [5, 4], pointRadius: 0, tension: 0 },
  ])
  return {
    id,
    kind: 'server-telemetry',
    title,
    simulated: sim !== 'none',
    caption:
      'Solid: KV-cache use of the replicas (mean, %); dashed: requests waiting in the scheduler (sum over replicas, right axis); sampled from each replica\'s Prometheus page while the latest run of each variant ran. A full cache with a queue means preemptions and a longer TTFT. On the simulator the samples are taken in wall time while its virtual clock runs: the shape is approximate.',
    config: {
      type: 'line',
      data: { datasets },
      options: baseOptions(title, sim, {
        x: axis('seconds since the workload started', { type: 'linear' }),
        y: axis('KV-cache use, %', { min: 0, max: 100, position: 'left' }),
        queue: axis('requests waiting', { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } }),
      }),
    },
  }
}
