/** The baseline file's format (benchmarks/baseline.json), checked by schema/baseline-schema.ts. */
import type { DistributionSummary } from './records.js'
import type { MeasurementResolution, NodeEnvironment, Provenance, TargetInfo } from './results.js'

export type { MetricId } from './metric-id.js'
import type { MetricId } from './metric-id.js'

/** One metric's figure: `value` is what the tolerance applies to (median for distributions). */
export interface BaselineMetric {
  value: number
  /** capacityAtSlo only: the load the sweep varied, so reports name the unit ('load' when absent, as in older baselines). */
  unit?: 'req/s' | 'concurrency'
  /** Latency metrics only: the whole distribution, histogram included. */
  distribution?: DistributionSummary
}

/** Figures of one model › variant › workload. */
export interface BaselineEntry {
  /** Simulated profile (+ speed) or hardware the figures were measured on; no URL. */
  target: Omit<TargetInfo, 'url'>
  /** Suite file, for people. */
  file: string
  args: string[]
  requests: { total: number; completed: number; failed: number }
  durationS: number
  metrics: Partial<Record<MetricId, BaselineMetric>>
  /** Precision of the run the figures came from (see MeasurementResolution). */
  resolution?: MeasurementResolution
  /** A real MLNode's GPUs, driver, vLLM version and model revision: a change of any is a changed target. */
  environment?: NodeEnvironment
  /** The figures of the last runs accepted on the same setup, oldest first (run-to-run noise, noise.ts). */
  history?: Partial<Record<MetricId, number[]>>
  /**
   * Set when the accepted result folded several repeats: their count, each metric's spread (sample
   * standard deviation / median) and the tolerance derived from it (src/report/repeat-tolerance.ts),
   * which judges later runs until the entry has a history of ≥ 2 accepted runs.
   */
  repeats?: BaselineRepeats
}

/** The repeats behind a baseline entry and the tolerances they give. */
export interface BaselineRepeats {
  count: number
  redeployed: boolean
  spread: Partial<Record<MetricId, number>>
  tolerance: Partial<Record<MetricId, number>>
}

/** The baseline file: `results[model][variant][workload]`, never positional ids. */
export interface BaselineFile {
  schemaVersion: 1
  kind: 'mlnode-bench-baseline'
  /** Commit (and dirty flag), date and tool version of the run that was accepted last. */
  provenance: Provenance
  results: Record<string, Record<string, Record<string, BaselineEntry>>>
}
