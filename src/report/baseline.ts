/**
 * The committed baseline: the last accepted figures per model › variant › workload › metric, with
 * the raw HDR histograms so a later run can be tested against the whole distribution.
 */
import { readFile } from 'node:fs/promises'
import { MlnodeBenchError } from '../errors.js'
import type { DistributionSummary, WorkloadMetrics } from '../metrics/types.js'
import { writeFileAtomic } from './atomic-write.js'
import { METRIC_DEFS, isDistributionId, isMetricId, type MetricId } from './metric-defs.js'
import { withHistory } from './noise.js'
import type { BenchResult, MeasurementResolution, Provenance, ResultKey, TargetInfo } from './model.js'

/** Default location of the committed baseline, relative to the project root. */
export const DEFAULT_BASELINE_FILE = 'benchmarks/baseline.json'

/** One metric's figure: `value` is what the tolerance applies to (median for distributions). */
export interface BaselineMetric {
  value: number
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
  /** The figures of the last runs accepted on the same setup, oldest first (run-to-run noise, noise.ts). */
  history?: Partial<Record<MetricId, number[]>>
}

/** The baseline file: `results[model][variant][workload]`, never positional ids. */
export interface BaselineFile {
  schemaVersion: 1
  kind: 'mlnode-bench-baseline'
  /** Commit (and dirty flag), date and tool version of the run that was accepted last. */
  provenance: Provenance
  results: Record<string, Record<string, Record<string, BaselineEntry>>>
}

/** Figures of a finished bench in baseline form; undefined when it has no metrics. */
export function entryFromResult(result: BenchResult): BaselineEntry | undefined {
  if (!result.metrics) return undefined
  const { kind, hardware, speed, simulatedTime, noiseCv } = result.target
  return {
    target: { kind, hardware, ...(speed === undefined ? {} : { speed }), ...(simulatedTime ? { simulatedTime } : {}), ...(noiseCv ? { noiseCv } : {}) },
    file: result.file,
    args: [...result.args],
    requests: { total: result.metrics.requests.total, completed: result.metrics.requests.completed, failed: result.metrics.requests.failed },
    durationS: result.metrics.durationS,
    metrics: metricFigures(result.metrics),
    ...(result.resolution ? { resolution: result.resolution } : {}),
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
}

/**
 * Accepts the passed results of a run into `previous` (or a new baseline): replaced and added
 * entries take the run's figures; entries the run did not produce, or failed, are kept as they were,
 * so a filtered or sharded run never erases the rest of the baseline.
 */
export function updateBaseline(previous: BaselineFile | undefined, results: readonly BenchResult[], provenance: Provenance): BaselineUpdate {
  const next: BaselineFile = { schemaVersion: 1, kind: 'mlnode-bench-baseline', provenance, results: structuredClone(previous?.results ?? {}) }
  const replaced: ResultKey[] = []
  const added: ResultKey[] = []
  const touched = new Set<string>()
  for (const result of results) {
    if (result.status !== 'passed') continue
    const fresh = entryFromResult(result)
    if (!fresh) continue
    const key: ResultKey = { model: result.model, variant: result.variant, workload: result.workload }
    const entry = withHistory(baselineEntry(next, key), fresh)
    ;(baselineEntry(next, key) ? replaced : added).push(key)
    touched.add(JSON.stringify([key.model, key.variant, key.workload]))
    ;((next.results[key.model] ??= {})[key.variant] ??= {})[key.workload] = entry
  }
  const kept = previous ? baselineKeys(previous).filter((k) => !touched.has(JSON.stringify([k.model, k.variant, k.workload]))) : []
  return { baseline: sortBaseline(next), replaced, added, kept }
}

/**
 * Reads a baseline. Returns undefined when the file does not exist (a first run is not a failure).
 * @throws MlnodeBenchError MLNB_BASELINE naming the file and what is wrong with it.
 */
export async function readBaseline(path: string): Promise<BaselineFile | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new MlnodeBenchError('MLNB_BASELINE', `Baseline ${path} cannot be read: ${(cause as Error).message}`, { cause, details: { file: path } })
  }
  return parseBaseline(text, path)
}

/**
 * Parses and validates baseline text.
 * @throws MlnodeBenchError MLNB_BASELINE: `Baseline <file> is corrupt: <field> <problem>`.
 */
export function parseBaseline(text: string, path: string): BaselineFile {
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
  if (!isObject(data)) return fail('top level is not an object')
  if (data.kind !== 'mlnode-bench-baseline') fail(`"kind" is ${JSON.stringify(data.kind)}, expected "mlnode-bench-baseline"`)
  if (data.schemaVersion !== 1) fail(`"schemaVersion" is ${JSON.stringify(data.schemaVersion)}, this tool reads version 1`)
  if (!isObject(data.provenance) || typeof data.provenance.date !== 'string') fail('"provenance.date" is missing')
  if (!isObject(data.results)) return fail('"results" is not an object')
  for (const [model, variants] of Object.entries(data.results)) {
    if (!isObject(variants)) fail(`results["${model}"] is not an object of variants`)
    for (const [variant, workloads] of Object.entries(variants as Record<string, unknown>)) {
      if (!isObject(workloads)) fail(`results["${model}"]["${variant}"] is not an object of workloads`)
      for (const [workload, entry] of Object.entries(workloads as Record<string, unknown>)) {
        checkEntry(entry, `results["${model}"]["${variant}"]["${workload}"]`, fail)
      }
    }
  }
  return data as unknown as BaselineFile
}

function checkEntry(entry: unknown, at: string, fail: (what: string) => never): void {
  if (!isObject(entry)) fail(`${at} is not an object`)
  const e = entry as Record<string, unknown>
  if (!isObject(e.target) || (e.target.kind !== 'simulated' && e.target.kind !== 'mlnode')) fail(`${at}.target.kind must be "simulated" or "mlnode"`)
  if (!isObject(e.requests) || !isCount(e.requests.total) || !isCount(e.requests.failed) || !isCount(e.requests.completed))
    fail(`${at}.requests must hold counts total, completed, failed`)
  if (!isFiniteNumber(e.durationS)) fail(`${at}.durationS must be a number`)
  if (e.resolution !== undefined && (!isObject(e.resolution) || !isFiniteNumber(e.resolution.latencyMs) || !isFiniteNumber(e.resolution.rateShare)))
    fail(`${at}.resolution must hold numbers latencyMs and rateShare`)
  if (!isObject(e.metrics)) return fail(`${at}.metrics is not an object`)
  for (const [id, metric] of Object.entries(e.metrics)) {
    if (!isMetricId(id)) fail(`${at}.metrics has unknown metric "${id}"`)
    if (!isObject(metric) || !isFiniteNumber(metric.value)) fail(`${at}.metrics.${id}.value must be a finite number (got ${JSON.stringify(isObject(metric) ? metric.value : metric)})`)
    const m = metric as Record<string, unknown>
    if (isDistributionId(id as MetricId)) {
      const d = m.distribution
      if (!isObject(d) || typeof d.histogram !== 'string' || !isCount(d.count)) fail(`${at}.metrics.${id}.distribution must keep count and the encoded histogram`)
    }
  }
}

/** Writes a baseline atomically (temp file + rename), keys sorted so git diffs stay readable. */
export async function writeBaseline(path: string, baseline: BaselineFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(sortBaseline(baseline), null, 2)}\n`)
}

function sortBaseline(b: BaselineFile): BaselineFile {
  const sortObj = <T>(o: Record<string, T>, f: (v: T) => T): Record<string, T> =>
    Object.fromEntries(Object.keys(o).sort().map((k) => [k, f(o[k]!)]))
  return { ...b, results: sortObj(b.results, (v) => sortObj(v, (w) => sortObj(w, (e) => e))) }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}
function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0
}
