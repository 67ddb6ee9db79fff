/**
 * The committed baseline: the last accepted figures per model › variant › workload › metric, with
 * the raw HDR histograms so a later run can be tested against the whole distribution.
 */
import { MlnodeBenchError } from '../errors.js'
import type { BaselineEntry, BaselineFile, BaselineMetric } from '../contracts/baseline.js'
import type { WorkloadMetrics } from '../contracts/records.js'
import { METRIC_DEFS, isDistributionId, type MetricId } from './metric-defs.js'
import { baselineEntrySchema, baselineEnvelopeSchema } from '../contracts/schema/baseline-schema.js'
import { withHistory } from './noise.js'
import { baselineRepeats } from './repeat-tolerance.js'
import { histogramProblems } from '../metrics/histogram-check.js'
import { negativeFigureProblems } from './baseline-figures.js'
import { sweepDurationS, sweepRequests } from '../sweep/fold.js'
import { describeIssue, fieldPath } from '../contracts/schema/issues.js'
import type { BaselineEntryProblem, BenchResult, Provenance, ResultKey } from '../contracts/results.js'

/** Default location of the committed baseline, relative to the project root. */
export const DEFAULT_BASELINE_FILE = 'benchmarks/baseline.json'

export type { BaselineEntry, BaselineFile, BaselineMetric } from '../contracts/baseline.js'

/** Figures of a finished bench in baseline form; undefined when it has no metrics. */
export function entryFromResult(result: BenchResult): BaselineEntry | undefined {
  if (!result.metrics && !result.poc && !result.sweep) return undefined
  const { kind, hardware, speed, simulatedTime, noiseCv, runNoise, calibration } = result.target
  return {
    target: { kind, hardware, ...(speed === undefined ? {} : { speed }), ...(simulatedTime ? { simulatedTime } : {}), ...(noiseCv ? { noiseCv } : {}), ...(runNoise ? { runNoise } : {}), ...(calibration ? { calibration } : {}) },
    file: result.file,
    args: [...result.args],
    // A PoC workload sends no requests: its one figure is the rate (docs/poc.md).
    // A sweep's requests and duration are those of all its measured steps (src/sweep/fold.ts).
    requests: result.metrics ? { total: result.metrics.requests.total, completed: result.metrics.requests.completed, failed: result.metrics.requests.failed } : result.sweep ? sweepRequests(result.sweep) : { total: 0, completed: 0, failed: 0 },
    durationS: result.metrics?.durationS ?? (result.sweep ? sweepDurationS(result.sweep) : result.poc!.durationS),
    metrics: {
      ...(result.metrics ? metricFigures(result.metrics) : {}),
      ...(result.poc ? { noncesPerMin: { value: result.poc.noncesPerMin } } : {}),
      ...(result.sweep ? { capacityAtSlo: { value: result.sweep.capacityAtSlo.value, unit: result.sweep.capacityAtSlo.unit } } : {}),
      ...(result.deployS === undefined ? {} : { deployS: { value: result.deployS } }),
    },
    ...(result.resolution ? { resolution: result.resolution } : {}),
    ...(result.environment ? { environment: result.environment } : {}),
    ...(result.repeats && result.repeats.count >= 2 ? { repeats: baselineRepeats(result.repeats) } : {}),
  }
}

/** The judged figures of one workload run (see metric-defs.ts). */
export function metricFigures(m: WorkloadMetrics): Partial<Record<MetricId, BaselineMetric>> {
  const out: Partial<Record<MetricId, BaselineMetric>> = {}
  for (const def of METRIC_DEFS) {
    const id = def.id
    if (isDistributionId(id)) {
      const d = m[id]
      if (d.count > 0) out[id] = { value: d.medianMs, distribution: { ...d } }
    } else if (id === 'failedRequests') {
      out[id] = { value: m.requests.failed }
    } else if (id === 'goodputRequestsPerS') {
      if (m.goodputRequestsPerS !== undefined) out[id] = { value: m.goodputRequestsPerS }
    } else if (id === 'deployS' || id === 'noncesPerMin' || id === 'capacityAtSlo') {
      // Not a load figure: entryFromResult adds the variant's deploy time and a PoC run's rate.
    } else {
      out[id] = { value: m[id] }
    }
  }
  return out
}

/** The entry stored under `key`, if any. */
export function baselineEntry(baseline: BaselineFile | undefined, key: ResultKey): BaselineEntry | undefined {
  return baseline?.results[key.model]?.[key.variant]?.[key.workload]
}

/** Every key in the baseline, sorted. */
export function baselineKeys(baseline: BaselineFile): ResultKey[] {
  const keys: ResultKey[] = []
  for (const model of Object.keys(baseline.results).sort())
    for (const variant of Object.keys(baseline.results[model]!).sort())
      for (const workload of Object.keys(baseline.results[model]![variant]!).sort()) keys.push({ model, variant, workload })
  return keys
}

export interface BaselineUpdate {
  baseline: BaselineFile
  /** Keys whose figures were replaced, added, or kept (absent from the run or failed in it). */
  replaced: ResultKey[]
  added: ResultKey[]
  kept: ResultKey[]
  /** Invalid entries the run did not replace: written back verbatim, still invalid. */
  keptInvalid: InvalidBaselineEntry[]
}

/**
 * Accepts the passed results of a run into `previous` (or a new baseline): replaced and added
 * entries take the run's figures; entries the run did not produce, or failed, are kept as they were,
 * so a filtered or sharded run never erases the rest of the baseline. Invalid entries of the
 * previous file are replaced when the run measured them, else kept verbatim (never dropped silently).
 */
export function updateBaseline(
  previous: BaselineFile | undefined,
  results: readonly BenchResult[],
  provenance: Provenance,
  invalid: readonly InvalidBaselineEntry[] = [],
): BaselineUpdate {
  const next: BaselineFile = { schemaVersion: 1, kind: 'mlnode-bench-baseline', provenance, results: structuredClone(previous?.results ?? {}) }
  const replaced: ResultKey[] = []
  const added: ResultKey[] = []
  const touched = new Set<string>()
  const id = (k: ResultKey) => JSON.stringify([k.model, k.variant, k.workload])
  const invalidIds = new Set(invalid.map(id))
  for (const result of results) {
    if (result.status !== 'passed') continue
    const fresh = entryFromResult(result)
    if (!fresh) continue
    const key: ResultKey = { model: result.model, variant: result.variant, workload: result.workload }
    const entry = withHistory(baselineEntry(next, key), fresh)
    ;(baselineEntry(next, key) || invalidIds.has(id(key)) ? replaced : added).push(key)
    touched.add(id(key))
    ;((next.results[key.model] ??= {})[key.variant] ??= {})[key.workload] = entry
  }
  const kept = previous ? baselineKeys(previous).filter((k) => !touched.has(id(k))) : []
  const keptInvalid = invalid.filter((e) => !touched.has(id(e)))
  for (const e of keptInvalid) ((next.results[e.model] ??= {})[e.variant] ??= {})[e.workload] = structuredClone(e.raw) as BaselineEntry
  return { baseline: sortBaseline(next), replaced, added, kept, keptInvalid }
}

/** A baseline entry that failed its checks: never compared, reported by every output. */
export interface InvalidBaselineEntry extends BaselineEntryProblem {
  /** The entry as found: an update that does not re-measure it keeps it verbatim. */
  raw: unknown
}

/** A baseline with its valid entries only, and the entries set aside. */
export interface CheckedBaseline {
  baseline: BaselineFile
  invalid: InvalidBaselineEntry[]
}

/**
 * Checks baseline text against schemas/baseline.schema.json, entry by entry: a wrong entry
 * (wrong type, unknown field, undecodable histogram) is set aside, the rest stays usable.
 * @throws MlnodeBenchError MLNB_BASELINE `Baseline <file> is corrupt: <field> <problem>` when the
 *   file as a whole is unusable (not JSON, wrong kind or version, results not nested objects).
 */
export function checkBaseline(text: string, path: string): CheckedBaseline {
  const fail = (what: string): never => {
    throw new MlnodeBenchError(
      'MLNB_BASELINE',
      `Baseline ${path} is corrupt: ${what}. Fix it (git checkout/revert) or delete it and accept a new run with MLNODE_BENCH_UPDATE_BASELINE=1.`,
      { details: { file: path } },
    )
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (cause) {
    return fail(`not valid JSON (${(cause as Error).message})`)
  }
  const top = baselineEnvelopeSchema.safeParse(data, { reportInput: true })
  if (!top.success) return fail(top.error.issues.map((i) => describeIssue(i)).join('; '))
  const results: BaselineFile['results'] = {}
  const invalid: InvalidBaselineEntry[] = []
  for (const [model, variants] of Object.entries(top.data.results))
    for (const [variant, workloads] of Object.entries(variants))
      for (const [workload, raw] of Object.entries(workloads)) {
        const at = fieldPath(['results', model, variant, workload])
        const checked = baselineEntrySchema.safeParse(raw, { reportInput: true })
        const problems = checked.success ? [...negativeFigureProblems(raw), ...histogramProblems(raw)] : checked.error.issues.map((i) => describeIssue(i))
        if (checked.success && problems.length === 0) ((results[model] ??= {})[variant] ??= {})[workload] = checked.data as BaselineEntry
        else invalid.push({ model, variant, workload, at, problems, raw, message: `${path}: ${at}: ${problems.join('; ')}` })
      }
  return { baseline: { ...top.data, results }, invalid }
}

/**
 * Parses a baseline that must be wholly valid (tests, tools).
 * @throws MlnodeBenchError MLNB_BASELINE naming the file, and each invalid entry with its problems.
 */
export function parseBaseline(text: string, path: string): BaselineFile {
  const { baseline, invalid } = checkBaseline(text, path)
  if (invalid.length > 0) throw new MlnodeBenchError('MLNB_BASELINE', invalid.map((e) => e.message).join('\n'), { details: { file: path } })
  return baseline
}

/** Keys sorted at every level, so git diffs of the file stay readable. */
export function sortBaseline(b: BaselineFile): BaselineFile {
  const sortObj = <T>(o: Record<string, T>, f: (v: T) => T): Record<string, T> =>
    Object.fromEntries(Object.keys(o).sort().map((k) => [k, f(o[k]!)]))
  return { ...b, results: sortObj(b.results, (v) => sortObj(v, (w) => sortObj(w, (e) => e))) }
}
