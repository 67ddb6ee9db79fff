// Rendering and judging, pure (no I/O; src/outputs reads and writes the files): the baseline
// diff and its verdicts, the side-by-side comparison, JUnit, Markdown and plain-text reports.
export { diffResults, compareEntries, resolveDiffOptions, regressionsOf, keyId, evidenceText } from './diff.js'
export type { BaselineDiff, DiffOptions, EntryDiff, MetricComparison, MetricVerdict } from './diff.js'
export { falsePositiveRate } from './false-positive-rate.js'
export { updateBaseline, checkBaseline, parseBaseline, entryFromResult, DEFAULT_BASELINE_FILE } from './baseline.js'
export type { BaselineEntry, BaselineFile, BaselineMetric } from './baseline.js'
export { METRIC_DEFS, metricDef, isMetricId } from './metric-defs.js'
export type { MetricDef, MetricId } from './metric-defs.js'
export { parseRunResults, mergeRunResults } from './run-results.js'
export { renderDiffText } from './diff-text.js'
