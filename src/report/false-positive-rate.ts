/** The gate's false-positive rate on repeated runs of the same code and target (test/perf). */
import { entryFromResult, type BaselineFile } from './baseline.js'
import { diffResults, type DiffOptions } from './diff.js'
import type { MetricId } from './metric-defs.js'
import type { BenchResult, Provenance, RunResults } from '../contracts/results.js'

export interface FalsePositiveReport {
  /** Ordered pairs (earlier run as baseline, later run as new) compared. */
  runPairs: number
  /** Metric comparisons judged (compared entries only). */
  comparisons: number
  regressions: number
  /** regressions / comparisons. */
  ratePerComparison: number
  /** Run pairs with at least one regression: the chance a no-change PR is failed. */
  pairsWithRegression: number
  ratePerRunPair: number
  byMetric: Partial<Record<MetricId, { comparisons: number; regressions: number }>>
}

/**
 * False-positive rate of the gate on repeated runs of the SAME code and target: every verdict
 * "regressed" between two such runs is a false positive. Compares each earlier run, accepted as a
 * baseline, with each later run.
 */
export function falsePositiveRate(runs: ReadonlyArray<RunResults | readonly BenchResult[]>, options: DiffOptions = {}): FalsePositiveReport {
  const lists = runs.map((r) => ('results' in r ? r.results : r))
  const report: FalsePositiveReport = { runPairs: 0, comparisons: 0, regressions: 0, ratePerComparison: 0, pairsWithRegression: 0, ratePerRunPair: 0, byMetric: {} }
  const provenance: Provenance = { tool: { name: 'mlnode-bench', version: 'fp-check' }, date: new Date(0).toISOString() }
  for (let i = 0; i < lists.length; i++) {
    const baseline = asBaseline(lists[i]!, provenance)
    for (let j = i + 1; j < lists.length; j++) {
      const diff = diffResults(baseline, lists[j]!, options)
      report.runPairs++
      let any = false
      for (const e of diff.entries) {
        if (e.status !== 'compared') continue
        for (const m of e.metrics) {
          if (m.verdict === 'not-compared') continue
          const slot = (report.byMetric[m.metric] ??= { comparisons: 0, regressions: 0 })
          slot.comparisons++
          report.comparisons++
          if (m.verdict === 'regressed') {
            slot.regressions++
            report.regressions++
            any = true
          }
        }
      }
      if (any) report.pairsWithRegression++
    }
  }
  report.ratePerComparison = report.comparisons ? report.regressions / report.comparisons : 0
  report.ratePerRunPair = report.runPairs ? report.pairsWithRegression / report.runPairs : 0
  return report
}

function asBaseline(results: readonly BenchResult[], provenance: Provenance): BaselineFile {
  const out: BaselineFile = { schemaVersion: 1, kind: 'mlnode-bench-baseline', provenance, results: {} }
  for (const r of results) {
    const e = r.status === 'passed' ? entryFromResult(r) : undefined
    if (e) ((out.results[r.model] ??= {})[r.variant] ??= {})[r.workload] = e
  }
  return out
}
