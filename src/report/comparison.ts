/**
 * The side-by-side answer of a run: per model and workload, one row per variant with the key
 * metrics, the best value of each column marked, a one-line recommendation (or a near tie), and
 * one verdict per model across its workloads. Pure.
 */
import type { ComparisonTable } from './comparison-table.js'
import { figure } from '../contracts/figures.js'
import type { WorkloadMetrics } from '../contracts/records.js'
import { entryFromResult } from './baseline.js'
import { compareEntries, resolveDiffOptions } from './diff.js'
import { describeTarget, formatNumber } from './format.js'
import type { BenchResult } from '../contracts/results.js'
import { telemetryLine } from './telemetry-text.js'
import { isPocRows, pickPoc, renderPocRows } from './poc-comparison.js'
import { isSweepRows, pickSweep, renderSweepRows } from './sweep-comparison.js'
import { gpuLine } from './gpu-text.js'
import { startupLine } from './startup-text.js'

interface Column {
  title: string
  better: 'lower' | 'higher'
  value: (m: WorkloadMetrics, r: BenchResult) => number | undefined
}

/** The registry's key figures (vLLM `bench serve` definitions, README "Metrics"), units in the titles. */
const COLUMN_FIGURES = ['ttft_mean_ms', 'ttft_p99_ms', 'tpot_mean_ms', 'itl_p99_ms', 'e2el_mean_ms', 'input_tokens_per_s', 'output_tokens_per_s', 'goodput_req_per_s', 'requests_failed'] as const

export const COMPARISON_COLUMNS: readonly Column[] = [
  ...COLUMN_FIGURES.map((key) => {
    const f = figure(key)
    return { title: f.title, better: f.better, value: (m: WorkloadMetrics) => f.value(m) }
  }),
  // up/async → ready: what switching to the variant costs a host (simulated s on a simulator).
  { title: 'deploy s', better: 'lower', value: (_m, r) => r.deployS },
]

/**
 * The variant to keep for one workload: among variants with every request served, the highest
 * goodput when an SLO is set, else the highest output throughput; ties go to the lower TTFT p99.
 */
export function bestVariant(results: readonly BenchResult[]): BenchResult | undefined {
  const candidates = results.filter((r) => r.status === 'passed' && r.metrics && r.metrics.requests.failed === 0)
  const score = (r: BenchResult) => r.metrics!.goodputRequestsPerS ?? r.metrics!.outputTokensPerS
  return candidates.sort((a, b) => score(b) - score(a) || a.metrics!.ttftMs.p99Ms - b.metrics!.ttftMs.p99Ms)[0]
}

/** A workload's answer: a winner only when its lead is real (beyond tolerance and significant). */
export type Pick =
  | { kind: 'none' }
  | { kind: 'only'; best: BenchResult }
  | { kind: 'winner' | 'tie'; best: BenchResult; runnerUp: BenchResult; margin: number; why: string }

/**
 * Best vs runner-up, judged as the gate judges a change: the runner-up as the baseline, the best
 * as the new run, on the recommendation's metric (goodput with an SLO, else output throughput).
 * A lead within tolerance (the floor on the deterministic simulator, more where noise is unknown),
 * within the measurement's resolution, or not significant is a near tie, never a winner.
 */
export function pickVariant(rows: readonly BenchResult[]): Pick {
  // A PoC workload is won by nonces/min (poc-comparison.ts).
  if (isPocRows(rows)) {
    const poc = pickPoc(rows)
    if (poc.kind === 'winner' || poc.kind === 'tie') return { ...poc, why: `nonces/min ${poc.kind === 'tie' ? 'within' : 'beyond'} ±3 %` }
    return poc.kind === 'only' ? poc : { kind: 'none' }
  }
  // A sweep workload is won by capacity at SLO (sweep-comparison.ts).
  if (isSweepRows(rows)) {
    const sweep = pickSweep(rows)
    if (sweep.kind === 'winner' || sweep.kind === 'tie') return { ...sweep, why: `capacity at SLO ${sweep.kind === 'tie' ? 'equal on the sweep\'s steps' : 'a step or more higher'}` }
    return sweep.kind === 'only' ? sweep : { kind: 'none' }
  }
  const best = bestVariant(rows)
  if (!best) return { kind: 'none' }
  const runnerUp = bestVariant(rows.filter((r) => r !== best))
  if (!runnerUp) return { kind: 'only', best }
  // Goodput's own test sees only the share of requests within the SLO, not a shorter run: the lead
  // is real when goodput or output throughput (corroborated by E2EL) improved and neither regressed.
  const judged = compareEntries(entryFromResult(runnerUp)!, entryFromResult(best)!, resolveDiffOptions()).filter((m) => m.metric === 'goodputRequestsPerS' || m.metric === 'outputTokensPerS')
  const real = judged.some((m) => m.verdict === 'improved') && !judged.some((m) => m.verdict === 'regressed')
  const main = judged.find((m) => m.metric === (best.metrics!.goodputRequestsPerS !== undefined ? 'goodputRequestsPerS' : 'outputTokensPerS'))
  const score = (x: BenchResult) => x.metrics!.goodputRequestsPerS ?? x.metrics!.outputTokensPerS
  const margin = score(best) / score(runnerUp) - 1
  return { kind: real ? 'winner' : 'tie', best, runnerUp, margin, why: main?.note ?? '' }
}

function recommendation(rows: readonly BenchResult[]): string {
  const pick = pickVariant(rows)
  if (pick.kind === 'none') return 'Recommendation: none — no variant served every request.'
  const m = pick.best.metrics!
  const what = m.goodputRequestsPerS !== undefined ? `${formatNumber(m.goodputRequestsPerS)} good req/s` : `${formatNumber(m.outputTokensPerS)} output tok/s`
  if (pick.kind === 'only') return `Recommendation: ${pick.best.variant} — ${what}, TTFT p99 ${formatNumber(m.ttftMs.p99Ms)} ms (the only variant that served every request).`
  if (pick.kind === 'tie') return `Near tie: ${pick.best.variant} leads ${pick.runnerUp.variant} by ${formatPercent(pick.margin)} (${what}), not a real difference (${pick.why}); choose on other grounds.`
  return `Recommendation: ${pick.best.variant} — ${what} (${formatPercent(pick.margin)} vs ${pick.runnerUp.variant}), TTFT p99 ${formatNumber(m.ttftMs.p99Ms)} ms.`
}

/** One verdict per model: which variant wins its workloads (clear wins only; near ties are said). */
export function modelVerdict(model: string, byWorkload: ReadonlyMap<string, readonly BenchResult[]>): string {
  const wins = new Map<string, string[]>()
  const ties: string[] = []
  for (const [workload, rows] of byWorkload) {
    const pick = pickVariant(rows)
    if (pick.kind === 'winner' || pick.kind === 'only') wins.set(pick.best.variant, [...(wins.get(pick.best.variant) ?? []), workload])
    else if (pick.kind === 'tie') ties.push(workload)
  }
  const total = byWorkload.size
  const ranked = [...wins.entries()].sort((a, b) => b[1].length - a[1].length)
  const tieText = ties.length ? `; near tie in ${ties.length} (${ties.join(', ')})` : ''
  if (ranked.length === 0) return `Verdict for ${model}: no clear winner in any of its ${total} workload(s)${tieText}.`
  const [top, topWins] = ranked[0]!
  if (topWins.length === total) return `Verdict for ${model}: ${top} — best in every workload (${total}).`
  const others = ranked.slice(1).map(([v, w]) => `${v} best in ${w.length} (${w.join(', ')})`)
  return `Verdict for ${model}: ${top} — best in ${topWins.length} of ${total} workloads${others.length ? `; ${others.join('; ')}` : ''}${tieText}.`
}

const formatPercent = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} %`

function table(header: readonly string[], body: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)))
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd()
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)]
}

/** Groups results by model, then workload, keeping first-seen order. */
export function groupResults(results: readonly BenchResult[]): Map<string, Map<string, BenchResult[]>> {
  const groups = new Map<string, Map<string, BenchResult[]>>()
  for (const r of results) {
    const byWorkload = groups.get(r.model) ?? new Map<string, BenchResult[]>()
    groups.set(r.model, byWorkload)
    byWorkload.set(r.workload, [...(byWorkload.get(r.workload) ?? []), r])
  }
  return groups
}

export type { ComparisonTable } from './comparison-table.js'

/** The comparison of one workload's variants; undefined when nothing was measured (then only failures count). */
export function comparisonTable(rows: readonly BenchResult[], failingValidation: ReadonlySet<string> = new Set()): ComparisonTable | undefined {
  const measured = rows.filter((r) => r.metrics && r.metrics.requests.completed > 0)
  if (measured.length === 0) return undefined
  const targets = [...new Set(measured.map((r) => describeTarget(r.target)))]
  const dtypes = [...new Set(measured.flatMap((r) => (r.dtype === undefined ? [] : [r.dtype])))]
  const best = COMPARISON_COLUMNS.map((c) => {
    const values = rows.flatMap((r) => (r.status === 'passed' && r.metrics ? [c.value(r.metrics, r)] : [])).filter((v): v is number => v !== undefined && Number.isFinite(v))
    // A mark only where variants differ: a tie has no winner.
    return values.length > 1 && new Set(values).size > 1 ? (c.better === 'lower' ? Math.min(...values) : Math.max(...values)) : undefined
  })
  const body = rows.map((r) => {
    if (!r.metrics || r.metrics.requests.completed === 0) return [r.variant, ...COMPARISON_COLUMNS.map((_, i) => (i === 0 ? `FAILED (${r.failure?.kind ?? 'error'})` : ''))]
    const cells = COMPARISON_COLUMNS.map((c, i) => {
      const v = c.value(r.metrics!, r)
      if (v === undefined) return '—'
      return `${formatNumber(v)}${r.status === 'passed' && v === best[i] ? '*' : ' '}`
    })
    return [`${r.variant}${r.status === 'failed' ? ' (FAILED)' : failingValidation.has(`${r.model}|${r.variant}`) ? ' (FAILS VALIDATION)' : ''}`, ...cells]
  })
  return {
    measuredOn: `${targets.join(', ')}${dtypes.length ? `, dtype ${dtypes.join(' / ')}` : ''}`,
    header: ['variant', ...COMPARISON_COLUMNS.map((c) => c.title)],
    body,
    failures: rows.filter((x) => x.status === 'failed').map((r) => ({ variant: r.variant, message: r.failure?.message.split('\n')[0] ?? 'failed' })),
    server: rows.flatMap((r) => [telemetryLine(r), gpuLine(r), r.vllmStartup && startupLine(r.vllmStartup, r.target.kind === 'simulated')].flatMap((line) => (line ? [{ variant: r.variant, line }] : []))),
    // A variant that fails the network's validation is never recommended.
    recommendation: recommendation(rows.filter((r) => !failingValidation.has(`${r.model}|${r.variant}`))),
  }
}

/** The workload name of the `variant › validation` benches (src/validation). */
export const VALIDATION_WORKLOAD = 'validation'

/** Variants (`model|variant`) that failed the network's validation: never recommended, whatever their speed. */
export function failedValidation(results: readonly BenchResult[]): Set<string> {
  return new Set(results.filter((r) => r.workload === VALIDATION_WORKLOAD && r.status === 'failed').map((r) => `${r.model}|${r.variant}`))
}

/** One line per variant: the network's similarity against the reference, and the verdict. */
export function validationLines(rows: readonly BenchResult[]): string[] {
  return rows.map((r) => {
    const v = r.validation
    if (!v) return `  ✗ ${r.variant}: not validated: ${r.failure?.message.split('\n')[0] ?? r.status}`
    const sim = r.target.kind === 'simulated' ? ' (simulated)' : ''
    const fig = v.compared === 0 ? 'no probe scored' : `similarity min ${v.minSimilarity.toFixed(4)} median ${v.medianSimilarity.toFixed(4)}, ${Math.round(v.belowThresholdShare * 100)} % ≤ ${v.threshold}`
    const poc = v.poc ? `; PoC vectors ${v.poc.mismatches}/${v.poc.nonces} beyond the distance, p ${v.poc.pValue.toPrecision(3)}${v.poc.passed ? '' : ' — FRAUD by the stat test'}` : v.pocSkipped ? `; PoC vectors not checked: ${v.pocSkipped}` : ''
    const passed = v.passed && (v.poc?.passed ?? true)
    return `  ${passed ? '✓' : '✗'} ${r.variant}: ${fig}${sim} [${v.mode}${v.mode === 'exact-tokens' ? `: ${v.modeReason}` : ''}] vs ${v.reference}${poc}${passed ? '' : ' — FAILS validation'}`
  })
}

/** The comparison as plain text; `*` marks the best value of each column. */
export function renderComparison(results: readonly BenchResult[]): string {
  const out: string[] = []
  const invalid = failedValidation(results)
  for (const [model, allWorkloads] of groupResults(results)) {
    const validated = allWorkloads.get(VALIDATION_WORKLOAD)
    const byWorkload = new Map([...allWorkloads].filter(([w]) => w !== VALIDATION_WORKLOAD))
    if (validated) out.push('', `${model} · inference validation (the network's CompareLogits vs the reference; threshold ${validated.find((r) => r.validation)?.validation?.threshold ?? '—'})`, ...validationLines(validated))
    // A variant that fails the network's validation is never recommended.
    const eligible = (rows: readonly BenchResult[]) => rows.filter((r) => !invalid.has(`${r.model}|${r.variant}`))
    for (const [workload, rows] of byWorkload) {
      if (isPocRows(rows)) {
        out.push(...renderPocRows(model, workload, rows, table))
        continue
      }
      if (isSweepRows(rows)) {
        out.push(...renderSweepRows(model, workload, eligible(rows), table))
        continue
      }
      const t = comparisonTable(rows, invalid)
      if (!t) {
        // Nothing measured (a suite rejected at collection, every deploy failed…): no table, just why.
        out.push('', `${model} · ${workload}`, ...rows.flatMap(failedRowLines))
        continue
      }
      out.push('', `${model} · ${workload} — ${t.measuredOn}`)
      out.push(...table(t.header, t.body).map((l) => `  ${l}`))
      for (const f of t.failures) out.push(`  ✗ ${f.variant}: ${f.message}`)
      for (const s of t.server) out.push(`  ${s.variant} ${s.line}`)
      out.push(`  ${t.recommendation}`)
    }
    if (byWorkload.size > 1) out.push('', modelVerdict(model, new Map([...byWorkload].map(([w, rows]) => [w, eligible(rows)]))))
  }
  return out.join('\n')
}

/**
 * A failed row with nothing measured. A suite refused at collection ('(all variants)': the arg
 * guard) is told whole, its list under its header: its first line alone is only "…: N problem(s)".
 */
function failedRowLines(r: BenchResult): string[] {
  const lines = (r.failure?.message ?? r.status).split('\n').filter((l) => l.trim() !== '')
  if (r.variant !== '(all variants)') return [`  ✗ ${r.variant}: ${lines[0] ?? r.status}`]
  return [`  ✗ ${lines[0] ?? r.status}`, ...lines.slice(1).map((l) => `    ${l.trim()}`)]
}
