/**
 * Everything the HTML report shows, as data: sections per model (deploy time, predicted vs
 * measured, trends) and per model › workload (variants side by side, latency CDFs, the Pareto
 * view), built from the runs of the history (newest first, as the store lists them).
 */
import { baselineEntry, type BaselineFile } from '../report/baseline.js'
import type { BenchResult } from '../contracts/results.js'
import { baselineFromHistory } from '../history/baseline-from-history.js'
import type { HistoryRun, HistoryRunInfo } from '../history/store.js'
import { isPocRows } from '../report/poc-comparison.js'
import { comparisonTable, failedValidation, groupResults, modelVerdict, VALIDATION_WORKLOAD, validationLines, type ComparisonTable } from '../report/comparison.js'
import type { ChartSpec } from './chart-spec.js'
import { cdfChart, deployChart, paretoChart, predictedChart, serverTelemetryChart, variantLatencyChart, variantThroughputChart, type VariantView } from './charts.js'
import { predictResult } from './predicted.js'
import { baselineBand, trendChart } from './trend.js'
import { pocChart } from './poc-chart.js'
import { sweepCharts } from './sweep-chart.js'
import { isSweepRows, sweepTable } from '../report/sweep-comparison.js'
import { gpuStageChart } from './gpu-chart.js'

export interface ReportInput {
  /** Runs to show, newest first. */
  runs: readonly HistoryRun[]
  /** The baseline the trend bands come from; default: the median of the stored runs. */
  baseline?: { file: BaselineFile; shownAs: string }
  title?: string
  /** ISO date shown as the report's date. @default now */
  generatedAt?: string
}

export interface ReportSection {
  id: string
  heading: string
  charts: ChartSpec[]
}

/** The side-by-side numbers of one model › workload, as the console prints them: what the page shows first. */
export interface ReportComparison {
  model: string
  workload: string
  simulated: boolean
  /** Undefined when no variant was measured: then `failures` says why. */
  table?: ComparisonTable
  failures: Array<{ variant: string; message: string }>
}

export interface ReportData {
  title: string
  generatedAt: string
  /** Some shown figure was measured on the simulator. */
  simulated: boolean
  runs: HistoryRunInfo[]
  /** Per model › workload, from the latest result of each variant. */
  comparisons: ReportComparison[]
  /** One verdict per model with more than one workload. */
  verdicts: string[]
  /** Per model: the inference-validation line of each variant (a failing variant is never recommended). */
  validation: string[]
  sections: ReportSection[]
}

interface Measured {
  run: HistoryRun
  result: BenchResult
}

const keyOf = (r: BenchResult): string => JSON.stringify([r.model, r.workload, r.variant])
const isSimulated = (r: BenchResult): boolean => r.target.kind === 'simulated'

/** The report's data; pure given its input (predictions are deterministic simulations). */
export function buildReportData(input: ReportInput): ReportData {
  const oldestFirst = [...input.runs].reverse()
  const byKey = new Map<string, Measured[]>()
  for (const run of oldestFirst) for (const result of run.entries) byKey.set(keyOf(result), [...(byKey.get(keyOf(result)) ?? []), { run, result }])
  const latest = [...byKey.values()].map((list) => list.at(-1)!)
  const models = [...new Set(latest.map((m) => m.result.model))].sort()
  const band = bandSource(input)
  const sections: ReportSection[] = []
  let n = 0
  const id = (): string => `chart-${++n}`

  for (const model of models) {
    const ofModel = latest.filter((m) => m.result.model === model)
    const workloads = [...new Set(ofModel.map((m) => m.result.workload))].sort()
    for (const workload of workloads) {
      // A PoC workload: one chart of its nonces/min (poc-chart.ts).
      const ofWorkload = ofModel.filter((m) => m.result.workload === workload).map((m) => m.result)
      if (ofWorkload.some((r) => r.poc !== undefined)) {
        sections.push({ id: `s-${sections.length + 1}`, heading: `${model} › ${workload}`, charts: [pocChart(id(), `${model} › ${workload}`, ofWorkload)!] })
        continue
      }
      // A sweep workload: its curves with the knee marked (sweep-chart.ts).
      if (ofWorkload.some((r) => r.sweep !== undefined)) {
        sections.push({ id: `s-${sections.length + 1}`, heading: `${model} › ${workload}`, charts: sweepCharts(id, `${model} › ${workload}`, ofWorkload) })
        continue
      }
      const views: VariantView[] = ofModel
        .filter((m) => m.result.workload === workload && m.result.metrics)
        .map((m) => {
          const predicted = predictResult(m.result)
          return {
            variant: m.result.variant,
            result: m.result,
            simulated: isSimulated(m.result),
            throughputRuns: byKey.get(keyOf(m.result))!.flatMap((x) => (x.result.metrics ? [x.result.metrics.outputTokensPerS] : [])),
            ...(predicted ? { predicted } : {}),
          }
        })
      if (views.length === 0) continue
      const scope = `${model} › ${workload}`
      const charts = [
        variantLatencyChart(id(), scope, views),
        variantThroughputChart(id(), scope, views),
        cdfChart(id(), scope, 'ttft', views),
        cdfChart(id(), scope, 'itl', views),
        cdfChart(id(), scope, 'e2el', views),
        paretoChart(id(), scope, views),
        serverTelemetryChart(id(), scope, views),
        gpuStageChart(id(), scope, views),
      ].filter((c): c is ChartSpec => c !== undefined)
      sections.push({ id: `s-${sections.length + 1}`, heading: scope, charts })
    }

    const deploys = ofModel
      .filter((m, i, all) => m.result.deployS !== undefined && all.findIndex((o) => o.result.variant === m.result.variant && o.result.deployS !== undefined) === i)
      .map((m) => ({ variant: m.result.variant, deployS: m.result.deployS!, simulated: isSimulated(m.result) }))
    const predictedRows = ofModel.flatMap((m) => {
      const p = m.result.metrics ? predictResult(m.result) : undefined
      return p ? [{ label: `${m.result.variant} › ${m.result.workload}`, predicted: p.outputTokensPerS, measured: m.result.metrics!.outputTokensPerS, simulated: isSimulated(m.result) }] : []
    })
    const trends = ofModel
      .map((m) => {
        const history = byKey.get(keyOf(m.result))!.filter((x) => x.result.metrics && x.result.metrics.e2elMs.count > 0)
        const points = history.map((x) => ({ label: `#${x.run.seq} ${x.run.date.slice(0, 16).replace('T', ' ')}`, value: x.result.metrics!.e2elMs.medianMs, simulated: isSimulated(x.result) }))
        return trendChart(id(), `${m.result.variant} › ${m.result.workload}`, 'e2elMs', points, baselineBand(baselineEntry(band.file, m.result), 'e2elMs'), band.shownAs)
      })
      .filter((c): c is ChartSpec => c !== undefined)
    const modelCharts = [deployChart(id(), model, deploys), predictedChart(id(), model, predictedRows), ...trends].filter((c): c is ChartSpec => c !== undefined)
    if (modelCharts.length > 0) sections.push({ id: `s-${sections.length + 1}`, heading: `${model}: deploy, prediction and trends`, charts: modelCharts })
  }

  const comparisons: ReportComparison[] = []
  const verdicts: string[] = []
  const validation: string[] = []
  const latestResults = latest.map((m) => m.result)
  const failing = failedValidation(latestResults)
  for (const [model, allWorkloads] of groupResults(latestResults.sort((a, b) => a.model.localeCompare(b.model) || a.workload.localeCompare(b.workload)))) {
    const validated = allWorkloads.get(VALIDATION_WORKLOAD)
    if (validated) validation.push(`${model}: inference validation (the network's CompareLogits vs the reference)`, ...validationLines(validated).map((l) => l.trim()))
    // PoC workloads have their own section (nonces/min); validation its own lines above.
    const byWorkload = new Map([...allWorkloads].filter(([w, rows]) => w !== VALIDATION_WORKLOAD && !isPocRows(rows)))
    for (const [workload, rows] of byWorkload) {
      // A sweep's table is its capacity at SLO per variant (src/report/sweep-comparison.ts).
      const table = isSweepRows(rows) ? sweepTable(rows.filter((r) => !failing.has(`${r.model}|${r.variant}`))) : comparisonTable(rows, failing)
      comparisons.push({
        model,
        workload,
        simulated: rows.some(isSimulated),
        ...(table ? { table } : {}),
        failures: table ? table.failures : rows.map((r) => ({ variant: r.variant, message: r.failure?.message.split('\n')[0] ?? r.status })),
      })
    }
    if (byWorkload.size > 1) verdicts.push(modelVerdict(model, new Map([...byWorkload].map(([w, rows]) => [w, rows.filter((r) => !failing.has(`${r.model}|${r.variant}`))]))))
  }

  return {
    title: input.title ?? 'mlnode-bench report',
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    simulated: latest.some((m) => isSimulated(m.result)),
    runs: input.runs.map(({ entries: _entries, provenance: _provenance, ...info }) => info),
    comparisons,
    verdicts,
    validation,
    sections,
  }
}

/** Where the trend bands come from: the given baseline, else the median of the stored finished runs. */
function bandSource(input: ReportInput): { file: BaselineFile | undefined; shownAs: string } {
  if (input.baseline) return { file: input.baseline.file, shownAs: input.baseline.shownAs }
  const finished = input.runs.filter((r) => r.source === 'mlnode-bench' && (r.state === undefined || r.state === 'complete'))
  try {
    return { file: baselineFromHistory(finished, 'history'), shownAs: `median of ${finished.length} stored run${finished.length === 1 ? '' : 's'}` }
  } catch {
    return { file: undefined, shownAs: 'none' }
  }
}
