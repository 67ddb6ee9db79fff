/**
 * One metric's verdict between a baseline entry and a new one: beyond its tolerance in the bad
 * direction AND significant given the recorded distributions (README-method.md).
 */
import { targetChanges } from './target-changes.js'
import type { BaselineEntry } from './baseline.js'
import { pText } from './format.js'
import { decodeValueCounts } from '../metrics/histogram.js'
import { isDistributionId, type MetricDef, type MetricId } from './metric-defs.js'
import { isDeterministic, type Tolerance } from './noise.js'
import { fisherExactGreater, mannWhitneyU } from './significance.js'

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

export type Judgement = Pick<MetricComparison, 'change' | 'pValue' | 'test' | 'verdict' | 'note'>

export function judge(def: MetricDef, base: BaselineEntry, next: BaselineEntry, { value: tolerance, why }: Tolerance, alpha: number): Judgement {
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
  if (def.kind === 'deploy' || def.kind === 'poc' || def.kind === 'sweep') {
    // One number per deploy (or PoC run): no within-run evidence, only the run-to-run noise of the
    // history (already in the tolerance, 4 σ̂). Without a history the change cannot be told from noise.
    const known = (base.history?.[def.id]?.length ?? 0) >= 2
    const verdict: MetricVerdict = !known ? 'inconclusive' : direction === 'worse' ? 'regressed' : 'improved'
    return { ...withChange, test: 'noise-threshold', verdict, note: `${shown} beyond ±${tol}${why ? ` (${why})` : ''}${known ? '' : `: one ${def.kind === 'poc' ? 'PoC rate' : def.kind === 'sweep' ? 'capacity' : 'deploy'} per run, accept ≥ 2 baseline runs to judge it`}` }
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

export function notJudged(base: BaselineEntry, next: BaselineEntry) {
  const why = `target changed: ${targetChanges(base, next).join('; ')}`
  return (m: MetricComparison): MetricComparison => ({ ...m, verdict: 'not-compared', note: why })
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
