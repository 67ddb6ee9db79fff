/**
 * Baseline diff: per model › variant › workload › metric, old → new with a verdict. A change is a
 * regression only when it is beyond the metric's tolerance in the bad direction AND significant
 * (p < alpha) given the recorded distributions. Method: README-method.md.
 */
import { targetChanges } from './target-changes.js'
import { baselineEntry, baselineKeys, entryFromResult, type BaselineEntry, type BaselineFile } from './baseline.js'
import { METRIC_DEFS, type MetricId } from './metric-defs.js'
import { judge, notJudged, type MetricComparison } from './judge.js'
import { pText } from './format.js'
import type { BenchResult, Provenance, ResultKey } from '../contracts/results.js'
import { toleranceFor } from './noise.js'

// The verdict of one metric is the judge's; the diff re-exports it for its readers.
export type { MetricComparison, MetricVerdict } from './judge.js'

export interface DiffOptions {
  /** Per-metric tolerance floors (see METRIC_DEFS for the defaults; the tolerance grows with measured noise, noise.ts). */
  tolerances?: Partial<Record<MetricId, number>>
  /** Tolerance when a noisy target's baseline has fewer than two runs (noise unknown). @default 0.1 */
  unknownNoiseTolerance?: number
  /** Significance level of every one-sided test. @default 0.01 */
  alpha?: number
  /**
   * k of a repeats tolerance (k × the repeats' spread) instead of the t-based one
   * (repeat-tolerance.ts); npm run bench:gate judges other k with it. @default the t-based k
   */
  repeatK?: number
}

export interface ResolvedDiffOptions {
  tolerances: Record<MetricId, number>
  unknownNoiseTolerance: number
  alpha: number
  repeatK?: number
}

/** Applies the defaults once. */
export function resolveDiffOptions(options: DiffOptions = {}): ResolvedDiffOptions {
  const tolerances = Object.fromEntries(METRIC_DEFS.map((d) => [d.id, options.tolerances?.[d.id] ?? d.tolerance])) as Record<MetricId, number>
  return { tolerances, unknownNoiseTolerance: options.unknownNoiseTolerance ?? 0.1, alpha: options.alpha ?? 0.01, ...(options.repeatK === undefined ? {} : { repeatK: options.repeatK }) }
}

/**
 * - compared: in both, figures compared;
 * - new: in the run, not in the baseline; missing: in the baseline, not in the run;
 * - failed / skipped: the bench did not produce figures (its failure is reported elsewhere);
 * - target-changed: measured on other hardware (or simulated vs real): shown, not judged;
 * - kept: in the baseline, not re-run by a partial run, which kept its earlier result (withKeptResults).
 */
export type EntryStatus = 'compared' | 'new' | 'missing' | 'failed' | 'skipped' | 'target-changed' | 'kept'

export interface EntryDiff extends ResultKey {
  status: EntryStatus
  simulated: boolean
  result?: BenchResult
  base?: BaselineEntry
  metrics: MetricComparison[]
}

export interface DiffCounts {
  regressed: number
  improved: number
  unchanged: number
  inconclusive: number
  new: number
  missing: number
  kept: number
  failed: number
  skipped: number
  targetChanged: number
}

export interface BaselineDiff {
  /** False when there was no baseline file: everything is "new", nothing can regress. */
  baselineFound: boolean
  baselineProvenance?: Provenance
  entries: EntryDiff[]
  /** Metric counts (regressed…inconclusive) and entry counts (new…targetChanged). */
  counts: DiffCounts
  hasRegression: boolean
  options: ResolvedDiffOptions
}

/** Compares a run's results with a baseline (undefined: no baseline yet). Pure. */
export function diffResults(baseline: BaselineFile | undefined, results: readonly BenchResult[], options: DiffOptions = {}): BaselineDiff {
  const resolved = resolveDiffOptions(options)
  const entries: EntryDiff[] = []
  const seen = new Set<string>()
  for (const result of results) {
    const key: ResultKey = { model: result.model, variant: result.variant, workload: result.workload }
    seen.add(keyId(key))
    const base = baselineEntry(baseline, key)
    const simulated = result.target.kind === 'simulated'
    const common = { ...key, simulated, result, ...(base ? { base } : {}) }
    const next = result.status === 'passed' ? entryFromResult(result) : undefined
    if (result.status === 'failed') entries.push({ ...common, status: 'failed', metrics: [] })
    else if (!next) entries.push({ ...common, status: 'skipped', metrics: [] })
    else if (!base) entries.push({ ...common, status: 'new', metrics: compareEntries(undefined, next, resolved) })
    else if (targetChanges(base, next).length > 0)
      entries.push({ ...common, status: 'target-changed', metrics: compareEntries(base, next, resolved).map(notJudged(base, next)) })
    else entries.push({ ...common, status: 'compared', metrics: compareEntries(base, next, resolved) })
  }
  // A run on real hardware is not expected to re-measure the simulator's entries of the baseline.
  const realRun = results.length > 0 && results.every((r) => r.target.kind !== 'simulated')
  if (baseline) {
    for (const key of baselineKeys(baseline)) {
      if (seen.has(keyId(key))) continue
      const base = baselineEntry(baseline, key)!
      if (realRun && base.target.kind === 'simulated') continue
      entries.push({ ...key, status: 'missing', simulated: base.target.kind === 'simulated', base, metrics: [] })
    }
  }
  entries.sort((a, b) => keyId(a).localeCompare(keyId(b)))
  const counts = countVerdicts(entries)
  return {
    baselineFound: baseline !== undefined,
    ...(baseline ? { baselineProvenance: baseline.provenance } : {}),
    entries,
    counts,
    hasRegression: counts.regressed > 0,
    options: resolved,
  }
}

/** Compares two entries metric by metric (`base` undefined: figures of `next` only). */
export function compareEntries(base: BaselineEntry | undefined, next: BaselineEntry, options: ResolvedDiffOptions): MetricComparison[] {
  const out: MetricComparison[] = []
  for (const def of METRIC_DEFS) {
    const b = base?.metrics[def.id]
    const n = next.metrics[def.id]
    if (!b && !n) continue
    // A sweep's capacity is in the load it varied (req/s or concurrency), kept with the figure.
    const unit = n?.unit ?? b?.unit ?? def.unit
    const floor = options.tolerances[def.id]
    if (!b || !n || !base) {
      const row = { metric: def.id, label: def.label, unit, better: def.better, tolerance: floor }
      out.push({ ...row, ...(b ? { base: b.value } : {}), ...(n ? { next: n.value } : {}), test: 'none', verdict: 'not-compared', note: base ? 'figure missing on one side' : 'no baseline' })
      continue
    }
    const tolerance = toleranceFor(def, base, next, floor, options.unknownNoiseTolerance, options.repeatK)
    const row = { metric: def.id, label: def.label, unit, better: def.better, tolerance: tolerance.value }
    out.push({ ...row, base: b.value, next: n.value, ...judge(def, base, next, tolerance, options.alpha) })
  }
  return out
}

function countVerdicts(entries: readonly EntryDiff[]): DiffCounts {
  const c: DiffCounts = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0, new: 0, missing: 0, kept: 0, failed: 0, skipped: 0, targetChanged: 0 }
  for (const e of entries) {
    if (e.status === 'target-changed') c.targetChanged++
    else if (e.status !== 'compared') c[e.status]++
    if (e.status !== 'compared') continue
    for (const m of e.metrics) if (m.verdict !== 'not-compared') c[m.verdict]++
  }
  return c
}

/**
 * The diff of a partial run: the baseline entries it did not re-run but kept from earlier runs
 * (its results.json still holds them) are 'kept', not 'missing'.
 */
export function withKeptResults(diff: BaselineDiff, kept: readonly ResultKey[]): BaselineDiff {
  if (kept.length === 0) return diff
  const ids = new Set(kept.map(keyId))
  const entries = diff.entries.map((e) => (e.status === 'missing' && ids.has(keyId(e)) ? { ...e, status: 'kept' as const } : e))
  return { ...diff, entries, counts: countVerdicts(entries) }
}

/** Regressions of one result (for a JUnit failure / console line). */
export function regressionsOf(diff: BaselineDiff, key: ResultKey): MetricComparison[] {
  const entry = diff.entries.find((e) => keyId(e) === keyId(key))
  return entry?.status === 'compared' ? entry.metrics.filter((m) => m.verdict === 'regressed') : []
}

/** A collision-free string id for a key (model and variant names may contain any character). */
export function keyId(key: ResultKey): string {
  return JSON.stringify([key.model, key.variant, key.workload])
}

/** The evidence behind a verdict, for people: "p = 0.032", "deterministic" or "—". */
export function evidenceText(m: Pick<MetricComparison, 'test' | 'pValue'>): string {
  if (m.test === 'deterministic') return 'deterministic'
  if (m.test === 'noise-threshold') return 'run-to-run noise'
  return m.pValue === undefined ? '—' : pText(m.pValue)
}

/** Figures measured on other hardware, on simulated vs wall time, or by a simulator on other constants are not comparable. */
