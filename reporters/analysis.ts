/**
 * The work every mlnode-bench reporter of one run shares: collect results, read the baseline,
 * diff. Reporters' onTestRunEnd hooks run concurrently (Promise.all in vitest 4.1): the analysis is
 * computed once per run (keyed by the testModules array vitest passes to all of them) so a
 * BaselineReporter that updates the baseline can never change what JUnit or Markdown compare to.
 */
import { resolve } from 'node:path'
import type { TestModule, Vitest } from 'vitest/node'
import { isAbsolute, relative } from 'node:path'
import { isMlnodeBenchError, MlnodeBenchError } from '../src/errors.js'
import { DEFAULT_BASELINE_FILE, type BaselineFile } from '../src/report/baseline.js'
import type { BaselineStatus } from '../src/report/baseline-status.js'
import { loadBaseline } from '../src/outputs/baseline-file.js'
import { diffResults, type BaselineDiff, type DiffOptions } from '../src/report/diff.js'
import { duplicateResultError } from '../src/report/duplicate-keys.js'
import type { BenchResult } from '../src/contracts/results.js'
import { collectBenchResults } from './collect.js'

/** Options every reporter that compares with the baseline accepts. */
export interface BaselineCompareOptions extends DiffOptions {
  /** Baseline file, relative to the vitest root. @default 'benchmarks/baseline.json' */
  baselineFile?: string
  /**
   * A missing baseline file fails the run (every report says so) instead of being a first run.
   * Ignored while accepting a run (MLNODE_BENCH_UPDATE_BASELINE=1), which creates the file.
   * @default false
   */
  requireBaseline?: boolean
}

export interface RunAnalysis {
  results: BenchResult[]
  /** Absolute path of the baseline file. */
  baselineFile: string
  /** The valid entries of the baseline (invalid ones are in `status.invalid`). */
  baseline?: BaselineFile
  /** Found, missing or corrupt, and the entries set aside: every report shows it. */
  status: BaselineStatus
  diff: BaselineDiff
  /**
   * Why nothing was compared with the baseline (a histogram of this run that does not decode, or
   * two benches of one model › variant › workload): the run fails and the baseline is not updated.
   */
  diffError?: MlnodeBenchError
}

const cache = new WeakMap<object, Map<string, Promise<RunAnalysis>>>()

/** Analysis of this run for these options, computed once and shared. Never rejects. */
export function analyseRun(vitest: Vitest | undefined, modules: ReadonlyArray<TestModule>, options: BaselineCompareOptions): Promise<RunAnalysis> {
  const root = vitest?.config.root ?? process.cwd()
  const baselineFile = resolve(root, options.baselineFile ?? DEFAULT_BASELINE_FILE)
  const diffOptions: DiffOptions = { ...(options.tolerances ? { tolerances: options.tolerances } : {}), ...(options.alpha !== undefined ? { alpha: options.alpha } : {}) }
  const required = options.requireBaseline === true && process.env.MLNODE_BENCH_UPDATE_BASELINE !== '1'
  const key = JSON.stringify([baselineFile, diffOptions, required])
  let perRun = cache.get(modules)
  if (!perRun) cache.set(modules, (perRun = new Map()))
  let analysis = perRun.get(key)
  if (!analysis) {
    analysis = compute(vitest, modules, baselineFile, diffOptions, required)
    perRun.set(key, analysis)
  }
  return analysis
}

async function compute(vitest: Vitest | undefined, modules: ReadonlyArray<TestModule>, baselineFile: string, diffOptions: DiffOptions, required: boolean): Promise<RunAnalysis> {
  const results = collectBenchResults(modules, (id) => vitest?.state.idMap.get(id) as ReturnType<Parameters<typeof collectBenchResults>[1]>)
  const root = vitest?.config.root ?? process.cwd()
  const rel = relative(root, baselineFile)
  const shownAs = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? baselineFile : rel
  // Invalid entries (wrong types, undecodable histograms) are already set aside: they disable only themselves.
  let { baseline, status } = await loadBaseline(baselineFile, { shownAs, required })
  let diff: BaselineDiff
  let diffError: MlnodeBenchError | undefined = duplicateResultError(results)
  try {
    if (diffError) throw diffError
    diff = diffResults(baseline, results, diffOptions)
  } catch (error) {
    // Only this run's own figures are left to fail here: say so, compare nothing.
    diffError = isMlnodeBenchError(error) ? error : new MlnodeBenchError('MLNB_REPORT', String(error), { cause: error })
    baseline = undefined
    diff = diffResults(undefined, results, diffOptions)
  }
  return { results, baselineFile, ...(baseline ? { baseline } : {}), status, diff, ...(diffError ? { diffError } : {}) }
}
