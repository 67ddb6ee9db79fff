/**
 * Predicted beside measured: the model's figures for a bench (BenchResult.prediction) against what
 * was measured, with the error as measured / predicted. Pure; console and summary.md render it.
 */
import { figure } from '../contracts/figures.js'
import type { BenchResult } from '../contracts/results.js'
import { formatNumber } from './format.js'

/** The figures compared, in display order (keys of the metric registry and `predict --json`). */
const COMPARED = ['ttft_mean_ms', 'tpot_mean_ms', 'e2el_mean_ms', 'output_tokens_per_s'] as const

export interface PredictionRow {
  key: string
  label: string
  unit: string
  measured: number
  predicted: number
  /** measured / predicted: 1.3 = the model was 30 % low on a latency (optimistic) or high on a rate. */
  ratio: number
}

/** The rows of one result; empty without a prediction or metrics. */
export function predictionRows(r: BenchResult): PredictionRow[] {
  // A PoC workload: its nonces/min against the model's price (src/poc/predict-poc.ts).
  const pocPredicted = r.prediction?.figures.poc_nonces_per_min
  if (r.poc && pocPredicted !== undefined && pocPredicted > 0) {
    return [{ key: 'poc_nonces_per_min', label: 'PoC nonces/min', unit: 'nonces/min', measured: r.poc.noncesPerMin, predicted: pocPredicted, ratio: r.poc.noncesPerMin / pocPredicted }]
  }
  if (!r.prediction || !r.metrics) return []
  const rows: PredictionRow[] = []
  for (const key of COMPARED) {
    const def = figure(key)
    const measured = def.value(r.metrics)
    const predicted = r.prediction.figures[key]
    if (measured === undefined || predicted === undefined || !(predicted > 0)) continue
    rows.push({ key, label: def.label, unit: def.unit, measured, predicted, ratio: measured / predicted })
  }
  return rows
}

/** "model (8xh100, uncalibrated)": whose prediction it is. */
export function predictionSource(r: BenchResult): string {
  return r.prediction ? `model (${r.prediction.hardware}, ${r.prediction.calibrated ? 'calibrated' : 'uncalibrated'})` : ''
}

/** One line for the console: "predicted by model (…): TTFT mean 500 ms (measured ×1.25), …". */
export function predictionLine(r: BenchResult): string | undefined {
  const rows = predictionRows(r)
  if (rows.length === 0) return undefined
  return `predicted by ${predictionSource(r)}: ${rows.map((x) => `${x.label} ${formatNumber(x.predicted)} ${x.unit} (measured ×${x.ratio.toFixed(2)})`).join(', ')}`
}
