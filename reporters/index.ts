/** Vitest reporters of mlnode-bench (import from 'mlnode-bench/reporters' in vitest.config.ts). */
export { benchRunReporters } from './config.js'
export { JUnitReporter, type JUnitReporterOptions } from './junit.js'
export { BaselineReporter, type BaselineReporterOptions } from './baseline.js'
export { MarkdownReporter, type MarkdownReporterOptions } from './markdown.js'
export { benchResultOf, collectBenchResults, failureKindOf, type RunnerTaskLookup } from './collect.js'
export { ConsoleReporter, type ConsoleReporterOptions } from './console.js'
export { ResultsJsonReporter, type ResultsJsonReporterOptions } from './results-json.js'
export { analyseRun, type BaselineCompareOptions, type RunAnalysis } from './analysis.js'
