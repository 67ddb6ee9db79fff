// Metrics: per-request records → summaries and HDR histograms (formulas in FORMULAS.md).
export { summarize } from './summarize.js'
export type { SummarizeInput, SummarizeOptions } from './summarize.js'
export { compressaMetrics } from './compressa.js'
export { summarizeValues, percentileLinear } from './distribution.js'
export {
  createHistogram,
  histogramFromMs,
  encodeHistogram,
  decodeHistogram,
  mergeHistograms,
  summaryFromHistogram,
  emptySummary,
} from './histogram.js'
export type * from '../contracts/records.js'
