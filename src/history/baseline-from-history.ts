/**
 * A baseline taken from the history instead of benchmarks/baseline.json: the last N finished runs
 * of a branch (e.g. `main:5`). Per model › variant › workload, over the runs that passed it:
 * latency distributions are the runs' HDR histograms merged (for the significance tests), every
 * figure the median of the runs' figures, request counts summed; the runs' figures
 * become the entry's history, so the tolerance grows with the run-to-run noise they show.
 */
import { MlnodeBenchError } from '../errors.js'
import { mergeHistograms, summaryFromHistogram } from '../metrics/histogram.js'
import { entryFromResult, type BaselineEntry, type BaselineFile } from '../report/baseline.js'
import { isDistributionId, type MetricId } from '../report/metric-defs.js'
import type { BenchResult } from '../contracts/results.js'
import type { LoadedBaseline } from '../outputs/baseline-file.js'
import { historyLocation, withHistory, type HistoryLocation, type HistoryRun } from './store.js'

/** Runs a bare `--baseline-from-history main` takes. */
export const DEFAULT_HISTORY_BASELINE_RUNS = 5

export interface HistoryBaselineSpec {
  branch: string
  runs: number
}

/**
 * Why `branch` cannot be a git branch name (git-check-ref-format rules,
 * https://git-scm.com/docs/git-check-ref-format), or undefined when it can.
 */
function badBranchName(branch: string): string | undefined {
  if (branch === '') return 'the branch is empty'
  if (/[\s~^:?*[\\\x00-\x1f\x7f]/.test(branch)) return 'a branch name cannot contain spaces, ~ ^ : ? * [ or \\'
  if (branch.includes('..') || branch.includes('@{') || branch.includes('//')) return 'a branch name cannot contain "..", "@{" or "//"'
  if (branch.startsWith('-') || branch.startsWith('/') || branch.endsWith('/') || branch.endsWith('.') || branch.endsWith('.lock') || branch === '@')
    return 'a branch name cannot start with - or /, end with /, . or .lock, or be @'
  if (branch.split('/').some((part) => part.startsWith('.'))) return 'no part of a branch name may start with .'
  return undefined
}

/**
 * Parses `branch[:N]` (`main:5`). A git branch name has no colon, so whatever follows one must be
 * the number of runs.
 * @throws MlnodeBenchError MLNB_USAGE naming the value and what is wrong with it.
 */
export function parseHistoryBaselineSpec(text: string): HistoryBaselineSpec {
  const colon = text.indexOf(':')
  const branch = (colon >= 0 ? text.slice(0, colon) : text).trim()
  const count = colon >= 0 ? text.slice(colon + 1).trim() : undefined
  const fail = (why: string): never => {
    throw new MlnodeBenchError('MLNB_USAGE', `--baseline-from-history must be <branch>[:<runs ≥ 1>], e.g. main:5, got "${text}": ${why}`, {
      details: { option: 'baseline-from-history', value: text },
    })
  }
  const bad = badBranchName(branch)
  if (bad !== undefined) fail(bad)
  if (count === undefined) return { branch, runs: DEFAULT_HISTORY_BASELINE_RUNS }
  if (!/^\d+$/.test(count)) fail(`after the colon comes the number of runs, not "${count}"`)
  const runs = Number(count)
  if (!Number.isSafeInteger(runs) || runs < 1) fail(`the number of runs must be an integer ≥ 1, not ${count}`)
  return { branch, runs }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** One key's entry from its results, oldest first (each passed, with metrics). */
function combinedEntry(results: readonly BenchResult[]): BaselineEntry | undefined {
  const entries = results.map(entryFromResult).filter((e): e is BaselineEntry => e !== undefined)
  const latest = entries.at(-1)
  if (!latest) return undefined
  const ids = [...new Set(entries.flatMap((e) => Object.keys(e.metrics) as MetricId[]))]
  const metrics: BaselineEntry['metrics'] = {}
  const history: NonNullable<BaselineEntry['history']> = {}
  for (const id of ids) {
    const figures = entries.map((e) => e.metrics[id]).filter((f) => f !== undefined)
    history[id] = figures.map((f) => f.value)
    if (isDistributionId(id)) {
      // The figure is the median of the runs' own figures (exact, interpolated medians): the merged
      // histogram's median is a bucket value, up to a whole request's gap off for small even counts,
      // which on the deterministic simulator reads as a regression of identical runs.
      const merged = summaryFromHistogram(mergeHistograms(figures.map((f) => f.distribution?.histogram ?? '')))
      metrics[id] = { value: median(figures.map((f) => f.value)), distribution: merged }
    } else if (id === 'failedRequests') {
      metrics[id] = { value: figures.reduce((a, f) => a + f.value, 0) }
    } else metrics[id] = { value: median(figures.map((f) => f.value)) }
  }
  const sum = (k: 'total' | 'completed' | 'failed'): number => entries.reduce((a, e) => a + e.requests[k], 0)
  return { ...latest, requests: { total: sum('total'), completed: sum('completed'), failed: sum('failed') }, durationS: median(entries.map((e) => e.durationS)), metrics, history }
}

/**
 * The baseline of `runs` (newest first, as the store lists them).
 * @throws MlnodeBenchError MLNB_BASELINE_MISSING when no run passed anything.
 */
export function baselineFromHistory(runs: readonly HistoryRun[], shownAs: string): BaselineFile {
  const byKey = new Map<string, BenchResult[]>()
  for (const run of [...runs].reverse())
    for (const r of run.entries) {
      if (r.status !== 'passed' || (!r.metrics && !r.poc && !r.sweep)) continue
      const id = JSON.stringify([r.model, r.variant, r.workload])
      byKey.set(id, [...(byKey.get(id) ?? []), r])
    }
  if (byKey.size === 0) throw new MlnodeBenchError('MLNB_BASELINE_MISSING', `No baseline in ${shownAs}: no finished run with a passed result`, { details: { file: shownAs } })
  const results: BaselineFile['results'] = {}
  for (const list of byKey.values()) {
    const entry = combinedEntry(list)
    const { model, variant, workload } = list[0]!
    if (entry) ((results[model] ??= {})[variant] ??= {})[workload] = entry
  }
  return { schemaVersion: 1, kind: 'mlnode-bench-baseline', provenance: runs[0]!.provenance, results }
}

/**
 * The baseline of the last `spec.runs` finished runs of `spec.branch` in the history at `path`
 * (a file, a postgres:// URL, or a location from `historyLocation`),
 * leaving out the run being judged (the history reporter may have added it already).
 */
export async function loadHistoryBaseline(path: string | HistoryLocation, spec: HistoryBaselineSpec, excludeRunId?: string): Promise<LoadedBaseline> {
  const location = typeof path === 'string' ? historyLocation(path) : path
  const shownAs = `history ${location.shownAs} (last ${spec.runs} run${spec.runs === 1 ? '' : 's'} on ${spec.branch})`
  const stored = await withHistory(location, (store) => store.runs({ branch: spec.branch, source: 'mlnode-bench', completeOnly: true }))
  const runs = stored.filter((r) => r.runId !== excludeRunId).slice(0, spec.runs)
  const baseline = baselineFromHistory(runs, shownAs)
  return { baseline, status: { file: shownAs, state: 'found', required: true, invalid: [] } }
}
