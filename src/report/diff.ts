/**
 * Baseline diff: per model › variant › workload › metric, old → new with a verdict. A change is a
 * regression only when it is beyond the metric's tolerance in the bad direction AND significant
 * (p < alpha) given the recorded distributions. Method: README-method.md.
 */
import { baselineEntry, baselineKeys, entryFromResult, type BaselineEntry, type BaselineFile } from './baseline.js'
import { decodeValueCounts } from './histogram.js'
import { METRIC_DEFS, isDistributionId, type MetricDef, type MetricId } from './metric-defs.js'
import type { BenchResult, Provenance, ResultKey, RunResults } from './model.js'
import { describeTarget } from './format.js'
import { isDeterministic, toleranceFor, type Tolerance } from './noise.js'
import { fisherExactGreater, mannWhitneyU } from './significance.js'

export interface DiffOptions {
  /** Per-metric tolerance floors (see METRIC_DEFS for the defaults; the tolerance grows with measured noise, noise.ts). */
  tolerances?: Partial<Record<MetricId, number>>
  /** Tolerance when a noisy target's baseline has fewer than two runs (noise unknown). @default 0.1 */
  unknownNoiseTolerance?: number
  /** Significance level of every one-sided test. @default 0.01 */
  alpha?: number
}

export interface ResolvedDiffOptions {
  tolerances: Record<MetricId, number>
  unknownNoiseTolerance: number
  alpha: number
}

/** Applies the defaults once. */
export function resolveDiffOptions(options: DiffOptions = {}): ResolvedDiffOptions {
  const tolerances = Object.fromEntries(METRIC_DEFS.map((d) => [d.id, options.tolerances?.[d.id] ?? d.tolerance])) as Record<MetricId, number>
  return { tolerances, unknownNoiseTolerance: options.unknownNoiseTolerance ?? 0.1, alpha: options.alpha ?? 0.01 }
}

/**
 * - regressed / improved: beyond tolerance and significant;
 * - inconclusive: beyond tolerance but not significant (too few samples or too much spread);
 * - unchanged: within tolerance;
 * - not-compared: figure missing on one side, or the targets differ.
 */
export type MetricVerdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'not-compared'

export interface MetricComparison {
  metric: MetricId
  label: string
  unit: string
  better: 'lower' | 'higher'
  base?: number
  next?: number
  /** next / base − 1; undefined when base is 0 or a side is missing. */
  change?: number
  tolerance: number
  /** One-sided p-value of the test in the direction of the change. */
  pValue?: number
  test: 'mann-whitney-u' | 'fisher-exact' | 'corroborated' | 'deterministic' | 'noise-threshold' | 'none'
  verdict: MetricVerdict
  /** Why: a short sentence for people (e.g. "+23.1 % beyond 10 %, p = 0.0003"). */
  note: string
}

/**
 * - compared: in both, figures compared;
 * - new: in the run, not in the baseline; missing: in the baseline, not in the run;
 * - failed / skipped: the bench did not produce figures (its failure is reported elsewhere);
 * - target-changed: measured on other hardware (or simulated vs real): shown, not judged.
 */
export type EntryStatus = 'compared' | 'new' | 'missing' | 'failed' | 'skipped' | 'target-changed'

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
    else if (base.target.kind !== next.target.kind || base.target.hardware !== next.target.hardware || (base.target.simulatedTime ?? false) !== (next.target.simulatedTime ?? false))
      entries.push({ ...common, status: 'target-changed', metrics: compareEntries(base, next, resolved).map(notJudged(base, next)) })
    else entries.push({ ...common, status: 'compared', metrics: compareEntries(base, next, resolved) })
  }
  if (baseline) {
    for (const key of baselineKeys(baseline)) {
      if (seen.has(keyId(key))) continue
      const base = baselineEntry(baseline, key)!
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
    const floor = options.tolerances[def.id]
    if (!b || !n || !base) {
      const row = { metric: def.id, label: def.label, unit: def.unit, better: def.better, tolerance: floor }
      out.push({ ...row, ...(b ? { base: b.value } : {}), ...(n ? { next: n.value } : {}), test: 'none', verdict: 'not-compared', note: base ? 'figure missing on one side' : 'no baseline' })
      continue
    }
    const tolerance = toleranceFor(def, base, next, floor, options.unknownNoiseTolerance)
    const row = { metric: def.id, label: def.label, unit: def.unit, better: def.better, tolerance: tolerance.value }
    out.push({ ...row, base: b.value, next: n.value, ...judge(def, base, next, tolerance, options.alpha) })
  }
  return out
}

type Judgement = Pick<MetricComparison, 'change' | 'pValue' | 'test' | 'verdict' | 'note'>

function judge(def: MetricDef, base: BaselineEntry, next: BaselineEntry, { value: tolerance, why }: Tolerance, alpha: number): Judgement {
  const b = base.metrics[def.id]!.value
  const n = next.metrics[def.id]!.value
  const change = b !== 0 ? n / b - 1 : undefined
  // Signed "how much worse" in the metric's own terms: > tolerance is a regression candidate.
  let worseBy: number
  let shown: string
  if (def.id === 'failedRequests') {
    worseBy = rate(next.requests.failed, next.requests.total) - rate(base.requests.failed, base.requests.total)
    shown = `failure rate ${signedPct(worseBy).replace(' %', ' pp')}`
  } else {
    const rel = change ?? (n === b ? 0 : n > b ? Infinity : -Infinity)
    worseBy = def.better === 'lower' ? rel : -rel
    shown = signedPct(rel)
  }
  const direction = worseBy > tolerance ? 'worse' : worseBy < -tolerance ? 'better' : undefined
  const withChange = change === undefined ? {} : { change }
  const tol = def.id === 'failedRequests' ? pct(tolerance).replace(' %', ' pp') : pct(tolerance)
  if (!direction) return { ...withChange, test: 'none', verdict: 'unchanged', note: `${shown} within ±${tol}${why ? ` (${why})` : ''}` }
  const blur = resolutionBlur(def, base, next)
  if (blur !== undefined && Math.abs(worseBy) <= blur.share + tolerance) {
    // The change is no larger than what the measurement itself could be off by (a stalled
    // client or simulator): nobody can tell, so it is never called a regression.
    return { ...withChange, test: 'none', verdict: 'inconclusive', note: `${shown}, but the measurement could be off by ${pct(blur.share)} (${blur.why})` }
  }
  if (isDeterministic(base) && isDeterministic(next)) {
    // No sampling noise: the same inputs give the same figures, so any change beyond the floor
    // comes from the code or the model, however few requests the workload has.
    const verdict: MetricVerdict = direction === 'worse' ? 'regressed' : 'improved'
    return { ...withChange, test: 'deterministic', verdict, note: `${shown} beyond ±${tol} (deterministic: no noise to test against)` }
  }
  if (def.kind === 'deploy') {
    // One number per deploy: no within-run evidence, only the run-to-run noise of the history
    // (already in the tolerance, 4 σ̂). Without a history the change cannot be told from noise.
    const known = (base.history?.[def.id]?.length ?? 0) >= 2
    const verdict: MetricVerdict = !known ? 'inconclusive' : direction === 'worse' ? 'regressed' : 'improved'
    return { ...withChange, test: 'noise-threshold', verdict, note: `${shown} beyond ±${tol}${why ? ` (${why})` : ''}${known ? '' : ': one deploy per run, accept ≥ 2 baseline runs to judge it'}` }
  }
  const { pValue, test } = significance(def, base, next, direction)
  const significant = pValue < alpha
  const verdict: MetricVerdict = !significant ? 'inconclusive' : direction === 'worse' ? 'regressed' : 'improved'
  const note = `${shown} beyond ±${tol}${why ? ` (${why})` : ''}, ${pText(pValue)}${significant ? '' : ` (not significant at ${alpha})`}`
  return { ...withChange, pValue, test, verdict, note }
}

/**
 * How far a metric's figure could move from measurement imprecision alone, as a share of the
 * baseline figure, for EVERY metric: stalls (the larger stalled share of either run) stretch
 * every duration and shorten every rate; a latency median can in addition be off by one stamp's
 * resolution. Undefined when neither run recorded its resolution or both were exact (the
 * simulator's own stamps).
 */
function resolutionBlur(def: MetricDef, base: BaselineEntry, next: BaselineEntry): { share: number; why: string } | undefined {
  const runs = [base.resolution, next.resolution].filter((r): r is NonNullable<typeof r> => r !== undefined)
  if (runs.length === 0 || def.id === 'failedRequests') return undefined
  const rateShare = Math.max(...runs.map((r) => r.rateShare))
  const parts = rateShare > 0 ? [`${pct(rateShare)} of the run stalled`] : []
  let share = rateShare
  if (isDistributionId(def.id)) {
    const median = base.metrics[def.id]?.value ?? 0
    const latencyMs = Math.max(...runs.map((r) => r.latencyMs))
    if (median > 0 && latencyMs > 0) {
      share += latencyMs / median
      parts.push(`timing resolution ${latencyMs.toFixed(1)} ms`)
    }
  }
  return share > 0 ? { share, why: parts.join(', ') } : undefined
}

/** One-sided p-value that `next` is `direction` than `base` for this metric. */
function significance(def: MetricDef, base: BaselineEntry, next: BaselineEntry, direction: 'worse' | 'better'): { pValue: number; test: MetricComparison['test'] } {
  const id = def.id
  if (isDistributionId(id)) {
    const t = latencyShift(base, next, id)
    // Lower is better for every latency: worse means new values tend to be larger.
    return { pValue: direction === 'worse' ? t.pGreater : t.pLess, test: 'mann-whitney-u' }
  }
  if (id === 'failedRequests') return { pValue: proportionRise(base.requests.failed, base.requests.total, next.requests.failed, next.requests.total, direction), test: 'fisher-exact' }
  if (id === 'goodputRequestsPerS') {
    const bad = (e: BaselineEntry) => e.requests.total - Math.min(e.requests.total, Math.round((e.metrics.goodputRequestsPerS?.value ?? 0) * e.durationS))
    return { pValue: proportionRise(bad(base), base.requests.total, bad(next), next.requests.total, direction), test: 'fisher-exact' }
  }
  // Throughput: one number per run, no distribution of its own. It is corroborated by the
  // per-request evidence that moves it: E2EL (MWU) or the failure proportion (Fisher), whichever
  // is stronger, Bonferroni-corrected for taking the minimum of two tests.
  const e2el = base.metrics.e2elMs && next.metrics.e2elMs ? latencyShift(base, next, 'e2elMs') : undefined
  const pLatency = e2el ? (direction === 'worse' ? e2el.pGreater : e2el.pLess) : 1
  const pFailures = proportionRise(base.requests.failed, base.requests.total, next.requests.failed, next.requests.total, direction)
  return { pValue: Math.min(1, 2 * Math.min(pLatency, pFailures)), test: 'corroborated' }
}

function latencyShift(base: BaselineEntry, next: BaselineEntry, id: 'ttftMs' | 'tpotMs' | 'itlMs' | 'e2elMs') {
  const b = decodeValueCounts(base.metrics[id]!.distribution?.histogram ?? '', `baseline ${id}`)
  const n = decodeValueCounts(next.metrics[id]!.distribution?.histogram ?? '', `result ${id}`)
  return mannWhitneyU(b, n)
}

function proportionRise(hitsBase: number, totalBase: number, hitsNext: number, totalNext: number, direction: 'worse' | 'better'): number {
  return direction === 'worse'
    ? fisherExactGreater(hitsBase, totalBase, hitsNext, totalNext)
    : fisherExactGreater(hitsNext, totalNext, hitsBase, totalBase)
}

function notJudged(base: BaselineEntry, next: BaselineEntry) {
  const why = `target changed: ${targetLabel(base.target)} → ${targetLabel(next.target)}`
  return (m: MetricComparison): MetricComparison => ({ ...m, verdict: 'not-compared', note: why })
}

/** "simulated 8xh100 (simulated time)" or "8x NVIDIA H100 80GB HBM3" (format.ts). */
export const targetLabel = describeTarget

function countVerdicts(entries: readonly EntryDiff[]): DiffCounts {
  const c: DiffCounts = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0, new: 0, missing: 0, failed: 0, skipped: 0, targetChanged: 0 }
  for (const e of entries) {
    if (e.status === 'target-changed') c.targetChanged++
    else if (e.status !== 'compared') c[e.status]++
    if (e.status !== 'compared') continue
    for (const m of e.metrics) if (m.verdict !== 'not-compared') c[m.verdict]++
  }
  return c
}

/** Regressions of one result (for a JUnit failure / console line). */
export function regressionsOf(diff: BaselineDiff, key: ResultKey): MetricComparison[] {
  const entry = diff.entries.find((e) => keyId(e) === keyId(key))
  return entry?.status === 'compared' ? entry.metrics.filter((m) => m.verdict === 'regressed') : []
}

export interface FalsePositiveReport {
  /** Ordered pairs (earlier run as baseline, later run as new) compared. */
  runPairs: number
  /** Metric comparisons judged (compared entries only). */
  comparisons: number
  regressions: number
  /** regressions / comparisons. */
  ratePerComparison: number
  /** Run pairs with at least one regression: the chance a no-change PR is failed. */
  pairsWithRegression: number
  ratePerRunPair: number
  byMetric: Partial<Record<MetricId, { comparisons: number; regressions: number }>>
}

/**
 * False-positive rate of the gate on repeated runs of the SAME code and target: every verdict
 * "regressed" between two such runs is a false positive. Compares each earlier run, accepted as a
 * baseline, with each later run.
 */
export function falsePositiveRate(runs: ReadonlyArray<RunResults | readonly BenchResult[]>, options: DiffOptions = {}): FalsePositiveReport {
  const lists = runs.map((r) => ('results' in r ? r.results : r))
  const report: FalsePositiveReport = { runPairs: 0, comparisons: 0, regressions: 0, ratePerComparison: 0, pairsWithRegression: 0, ratePerRunPair: 0, byMetric: {} }
  const provenance: Provenance = { tool: { name: 'mlnode-bench', version: 'fp-check' }, date: new Date(0).toISOString() }
  for (let i = 0; i < lists.length; i++) {
    const baseline = asBaseline(lists[i]!, provenance)
    for (let j = i + 1; j < lists.length; j++) {
      const diff = diffResults(baseline, lists[j]!, options)
      report.runPairs++
      let any = false
      for (const e of diff.entries) {
        if (e.status !== 'compared') continue
        for (const m of e.metrics) {
          if (m.verdict === 'not-compared') continue
          const slot = (report.byMetric[m.metric] ??= { comparisons: 0, regressions: 0 })
          slot.comparisons++
          report.comparisons++
          if (m.verdict === 'regressed') {
            slot.regressions++
            report.regressions++
            any = true
          }
        }
      }
      if (any) report.pairsWithRegression++
    }
  }
  report.ratePerComparison = report.comparisons ? report.regressions / report.comparisons : 0
  report.ratePerRunPair = report.runPairs ? report.pairsWithRegression / report.runPairs : 0
  return report
}

function asBaseline(results: readonly BenchResult[], provenance: Provenance): BaselineFile {
  const out: BaselineFile = { schemaVersion: 1, kind: 'mlnode-bench-baseline', provenance, results: {} }
  for (const r of results) {
    const e = r.status === 'passed' ? entryFromResult(r) : undefined
    if (e) ((out.results[r.model] ??= {})[r.variant] ??= {})[r.workload] = e
  }
  return out
}

/** A collision-free string id for a key (model and variant names may contain any character). */
export function keyId(key: ResultKey): string {
  return JSON.stringify([key.model, key.variant, key.workload])
}

function rate(hits: number, total: number): number {
  return total > 0 ? hits / total : 0
}
function pct(x: number): string {
  return `${+(x * 100).toFixed(1)} %`
}
function signedPct(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+∞ %' : '−∞ %'
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`
}
/** The evidence behind a verdict, for people: "p = 0.032", "deterministic" or "—". */
export function evidenceText(m: Pick<MetricComparison, 'test' | 'pValue'>): string {
  if (m.test === 'deterministic') return 'deterministic'
  if (m.test === 'noise-threshold') return 'run-to-run noise'
  return m.pValue === undefined ? '—' : pText(m.pValue)
}

/** "p = 0.032" or "p < 0.0001". */
export function pText(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${formatP(p)}`
}

/** p-values for people: 2 significant digits, tiny ones as "< 0.0001". */
export function formatP(p: number): string {
  return p < 0.0001 ? '< 0.0001' : String(+p.toPrecision(2))
}
