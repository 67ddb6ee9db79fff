/** Vitest reporters of mlnode-bench (import from 'mlnode-bench/reporters' in vitest.config.ts). */
export { JUnitReporter, type JUnitReporterOptions } from './junit.js'
export { BaselineReporter, type BaselineReporterOptions } from './baseline.js'
export { MarkdownReporter, type MarkdownReporterOptions } from './markdown.js'
export { collectBenchResults, failureKindOf, type RunnerTaskLookup } from './collect.js'
export { analyseRun, type BaselineCompareOptions, type RunAnalysis } from './analysis.js'
