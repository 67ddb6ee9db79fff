/**
 * The work every mlnode-bench reporter of one run shares: collect results, read the baseline,
 * diff. Reporters' onTestRunEnd hooks run concurrently (Promise.all in vitest 4.1): the analysis is
 * computed once per run (keyed by the testModules array vitest passes to all of them) so a
 * BaselineReporter that updates the baseline can never change what JUnit or Markdown compare to.
 */
import { resolve } from 'node:path'
import type { TestModule, Vitest } from 'vitest/node'
import { isMlnodeBenchError, MlnodeBenchError } from '../src/errors.js'
import { DEFAULT_BASELINE_FILE, readBaseline, type BaselineFile } from '../src/report/baseline.js'
import { diffResults, type BaselineDiff, type DiffOptions } from '../src/report/diff.js'
import type { BenchResult } from '../src/report/model.js'
import { collectBenchResults } from './collect.js'

/** Options every reporter that compares with the baseline accepts. */
export interface BaselineCompareOptions extends DiffOptions {
  /** Baseline file, relative to the vitest root. @default 'benchmarks/baseline.json' */
  baselineFile?: string
}

export interface RunAnalysis {
  results: BenchResult[]
  /** Absolute path of the baseline file. */
  baselineFile: string
  baseline?: BaselineFile
  diff: BaselineDiff
  /** The baseline could not be used (corrupt, unreadable): the diff then treats it as absent. */
  baselineError?: MlnodeBenchError
}

const cache = new WeakMap<object, Map<string, Promise<RunAnalysis>>>()

/** Analysis of this run for these options, computed once and shared. Never rejects. */
export function analyseRun(vitest: Vitest | undefined, modules: ReadonlyArray<TestModule>, options: BaselineCompareOptions): Promise<RunAnalysis> {
  const root = vitest?.config.root ?? process.cwd()
  const baselineFile = resolve(root, options.baselineFile ?? DEFAULT_BASELINE_FILE)
  const diffOptions: DiffOptions = { ...(options.tolerances ? { tolerances: options.tolerances } : {}), ...(options.alpha !== undefined ? { alpha: options.alpha } : {}) }
  const key = JSON.stringify([baselineFile, diffOptions])
  let perRun = cache.get(modules)
  if (!perRun) cache.set(modules, (perRun = new Map()))
  let analysis = perRun.get(key)
  if (!analysis) {
    analysis = compute(vitest, modules, baselineFile, diffOptions)
    perRun.set(key, analysis)
  }
  return analysis
}

async function compute(vitest: Vitest | undefined, modules: ReadonlyArray<TestModule>, baselineFile: string, diffOptions: DiffOptions): Promise<RunAnalysis> {
  const results = collectBenchResults(modules, (id) => vitest?.state.idMap.get(id) as ReturnType<Parameters<typeof collectBenchResults>[1]>)
  let baseline: BaselineFile | undefined
  let baselineError: MlnodeBenchError | undefined
  try {
    baseline = await readBaseline(baselineFile)
  } catch (error) {
    baselineError = isMlnodeBenchError(error) ? error : new MlnodeBenchError('MLNB_BASELINE', `Baseline ${baselineFile}: ${String(error)}`, { cause: error })
  }
  let diff: BaselineDiff
  try {
    diff = diffResults(baseline, results, diffOptions)
  } catch (error) {
    // A histogram that does not decode, for instance: report it, compare nothing.
    baselineError ??= isMlnodeBenchError(error) ? error : new MlnodeBenchError('MLNB_REPORT', String(error), { cause: error })
    baseline = undefined
    diff = diffResults(undefined, results, diffOptions)
  }
  return { results, baselineFile, ...(baseline ? { baseline } : {}), diff, ...(baselineError ? { baselineError } : {}) }
}
